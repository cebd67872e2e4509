"""Head-office standard checklists and the five-level rules, from shared/domain/reference-content.md.

Codes are stable across versions. Each item: (code, defence, Chinese, English, photo on failure).
"""

# fmt: off
C, P, T, F, K = "civil", "physical", "technical", "fire", "cash"

DAILY_OPEN = [
    ("OPN-01", C, "网点负责人（或助理）、当班安全员、保安员提前同时到岗，不单人开门", "Outlet head/assistant, duty safety officer and guard arrive early together; never open alone", False),
    ("OPN-02", C, "开门前观察网点周边有无可疑人员、车辆", "Look around the premises for suspicious people/vehicles before unlocking", False),
    ("OPN-03", C, "进入后随手关闭大门/通勤门，营业前不对外开放", "Close the entrance/staff door immediately after entering", False),
    ("OPN-04", C, "防卫器械（钢叉、盾牌、警棍等）到位并放在随手可取处，数量完好", "Defensive tools (restraint fork, shield, baton) present, intact, within reach", True),
    ("OPN-05", P, "门窗、墙体、卷帘门、防盗栏无撬压破坏痕迹", "Doors, windows, walls, shutters, bars show no sign of forced entry", True),
    ("OPN-06", P, "营业厅、卫生间、贵宾室等部位无藏匿人员、无可疑物品", "No one hiding / no suspicious object in hall, toilets, VIP rooms", False),
    ("OPN-07", P, "防尾随联动互锁门开关、互锁、自动闭门功能正常", "Anti-tailgating interlock door opens/locks/self-closes correctly", True),
    ("OPN-08", P, "现金柜台防弹玻璃、收银槽完好，无裂痕", "Counter bullet-resistant glass and cash tray intact", True),
    ("OPN-09", T, "按规定撤防，并查看有无夜间报警记录", "Disarm the intrusion alarm per procedure; review overnight alarm log", False),
    ("OPN-10", T, "紧急报警（手动按钮/脚挑）与110联网报警可用，位置无遮挡", "Panic buttons and 110-linked alarm work; buttons unobstructed", True),
    ("OPN-11", T, "入侵探测、振动报警、紧急求助对讲、智能识别设备运行正常", "Intrusion/vibration detectors, emergency intercom, smart-recognition devices normal", False),
    ("OPN-12", T, "录像监控运行正常，图像和声音清晰，无遮挡、无死角，时间准确", "CCTV recording; picture & audio clear; no blocked cameras/blind spots; clock correct", True),
    ("OPN-13", T, "柜台画面同时拍到柜员与客户、钱箱、点钞机显示屏", "Counter view shows teller + customer, cash box, counting-machine display", False),
    ("OPN-14", T, "抽查录像回放，保留天数符合规定", "Spot-check playback; retention days meet the rule", False),
    ("OPN-15", T, "照明、电源线路、UPS正常", "Lighting, power lines, UPS normal", False),
    ("OPN-16", F, "灭火器在位、压力在绿区、在有效期内", "Extinguishers in place, gauge in green, in date", True),
    ("OPN-17", F, "安全出口、疏散通道畅通，应急照明、疏散指示完好", "Exits/escape routes clear; emergency lights & exit signs work", True),
    ("OPN-18", K, "运钞车到达后先核实车辆与押运人员身份再出门接箱", "Verify CIT vehicle and guards' identity before going out for the boxes", False),
    ("OPN-19", K, "三人以上携带防卫器械出门，在监控范围内快速交接尾箱", "≥3 staff with defensive tools receive cash boxes quickly inside CCTV coverage", False),
    ("OPN-20", K, "核对尾箱数量、箱号，箱体、锁具/封签完好，登记款箱交接簿并签名", "Check box count/numbers, box/lock/seal intact; sign the box-handover register", False),
    ("OPN-21", K, "接箱后立即进入营业室、关好通勤门；印章、重要空白凭证领用登记、账实相符", "Go straight inside and lock the staff door; log issue of seals & blank vouchers, book = physical", False),
]

DAILY_CLOSE = [
    ("CLS-01", C, "营业结束清场，确认厅堂及隐蔽部位无滞留人员", "Clear the hall; confirm nobody remains in any hidden corner", False),
    ("CLS-02", C, "交接款箱时营业大厅不得有非工作人员", "No non-staff in the hall during cash-box handover", False),
    ("CLS-03", C, "不得留人娱乐、饮酒或在营业场所过夜", "No one stays for entertainment, drinking or overnight", False),
    ("CLS-04", C, "交接时至少1人留守柜台内，其余持器械护送款箱", "During handover ≥1 person stays behind the counter; others escort with tools", False),
    ("CLS-05", C, "运钞车安全驶离后方可关闭门窗，最后离行不少于二人", "Close up only after the CIT van has left; last to leave are ≥2 people", False),
    ("CLS-06", P, "严禁将款箱放到营业室外或柜台外等候运钞车", "Never wait outside the cash area / counter with boxes", False),
    ("CLS-07", P, "门窗、卷帘门、通勤门锁好；保险柜上锁并打乱密码", "Lock doors, shutters, staff door; lock safes and scramble combinations", True),
    ("CLS-08", P, "尾箱交接完毕后关闭防尾随门电源（按本行规定）", "Switch off interlock-door power after handover (per local rule)", False),
    ("CLS-09", P, "未设金库网点不得留存现金及贵重物品过夜", "Outlets without a vault keep no cash/valuables overnight", False),
    ("CLS-10", T, "离开前开启入侵报警/110联网布防，确认布防成功", "Arm intrusion/110-linked alarm before leaving and confirm arming succeeded", True),
    ("CLS-11", T, "不切断报警主机与探头电源；夜间录像保持运行（报警联动录像）", "Keep alarm panel & detectors powered; night recording stays on (alarm-linked)", False),
    ("CLS-12", T, "确认自助设备及自助区安全、设备正常", "Confirm self-service area and machines are secure", False),
    ("CLS-13", F, "检查营业现场，消除遗留火种", "Sweep the premises for any remaining ignition source", False),
    ("CLS-14", F, "关闭非必要电源、电器；插座无过载", "Power off non-essential equipment; no overloaded sockets", True),
    ("CLS-15", F, "疏散通道、安全出口无堆放物", "Nothing stacked in escape routes/exits", True),
    ("CLS-16", K, "柜员轧账，现金、重要空白凭证、有价单证账实核对无误后入尾箱上锁", "Tellers balance; cash, blank vouchers, securities reconciled then locked in boxes", False),
    ("CLS-17", K, "业务印章入箱上锁随库保管，印鉴卡入保险柜", "Business seals locked in box for the vault; signature cards into safe", False),
    ("CLS-18", K, "确认章、证、款无遗漏", "Confirm no seal, voucher or cash is left out", False),
    ("CLS-19", K, "核对押运车辆、人员后交接尾箱，双方登记签字", "Verify CIT van & crew, hand over boxes, both sides sign the register", False),
    ("CLS-20", K, "柜员签退、关闭终端，登记系统运行日志；负责人在每日检查表签字", "Sign off systems/terminals, log shutdown; outlet head signs daily check log", False),
    ("CLS-21", F, "水、电、气阀门关闭", "Water, electricity and gas valves closed", False),
]

SELF_SERVICE = [
    ("ATM-01", P, "机具外观有无撬、砸、钻痕迹", "Machine body shows no prying/smashing/drilling", True),
    ("ATM-02", T, "插卡口、出钞口、键盘有无加装异物（盗录器、假键盘）", "No skimmer/fake keypad or other add-on at card slot, dispenser, keypad", True),
    ("ATM-03", T, "摄像头无遮挡（如被口香糖粘住），能看清操作人面部、出钞口、加钞过程", "Cameras unblocked (e.g. gum), show face, cash slot and loading", True),
    ("ATM-04", T, "110联网报警、振动/入侵报警正常", "110-linked, vibration and intrusion alarms working", False),
    ("ATM-05", T, "对讲/语音喊话可与监控中心通话", "Intercom/PA reaches the monitoring centre", False),
    ("ATM-06", P, "防护舱门锁、紧急开锁、求助按钮、语音提示正常", "Booth lock, emergency release, help button, voice prompts work", False),
    ("ATM-07", P, "客户区无电源插座/网络接口（已拆除或封堵）", "No power socket/network port in customer area", False),
    ("ATM-08", F, "电源线路无老化、鼠咬、私拉乱接", "Power/alarm/comms lines not aged or chewed; no ad-hoc wiring", True),
    ("ATM-09", P, "加钞间门锁闭、门禁正常，无关人员不得进入", "Cash-loading room locked; access control works", False),
    ("ATM-10", C, "清除非本行张贴物（假客服电话、小广告），官方风险提示在位", "Remove unofficial notices (fake hotline stickers); official warnings present", False),
    ("ATM-11", C, "照明、环境卫生，无流浪人员滞留", "Lighting, cleanliness, no loiterers sleeping inside", False),
    ("ATM-12", K, "加钞、清机双人操作；巡查结果登记簿/系统记录", "Cash load/clear-out done by two people; patrol logged in book/system", False),
]

VAULT = [
    ("VLT-01", K, "库门钥匙与密码由出纳、会计两人分开保管，不得一人兼管", "Vault key and combination split between two custodians (cashier/accountant)", False),
    ("VLT-02", C, "双人管库、双人同时到场方可开库，不得单人进库", "Two custodians present to open; never enter alone", False),
    ("VLT-03", T, "开库前检查库门、锁具、报警设备有无异常，按程序撤防", "Before opening check door, locks, alarms; disarm per procedure", True),
    ("VLT-04", T, "作业期间库房、交接场地实时录像录音", "Vault and handover area recorded (video+audio) during work", False),
    ("VLT-05", C, "出入库交接在库门外办理；非管库人员进库须经批准并登记姓名、时间、事由", "Hand-offs outside the vault door; others need approval + entry log", False),
    ("VLT-06", F, "库内禁烟火，不存放易燃易爆物品；防火、通风、报警设施完好", "No smoking/flame; no flammables; fire, ventilation, alarm devices OK", True),
    ("VLT-07", K, "出纳、复核每日交叉碰库两次；行长/主任每月不定期查库", "Cashier & checker cross-count twice daily; head checks monthly, unannounced", False),
    ("VLT-08", K, "查库核对现金、有价单证账实相符，无白条抵库，库存不超限额", "Count confirms book=physical, no IOUs, stock within limit", False),
    ("VLT-09", P, "关库：库门、保险柜锁闭并打乱密码，布防并确认成功", "Close: lock door/safes, scramble combos, arm alarm, confirm", True),
    ("VLT-10", C, "非营业时间和节假日安排两人以上守库（设守库点的）", "Outside hours/holidays ≥2 guards (where vault is manned)", False),
    ("VLT-11", K, "备用钥匙/密码封存，封存时负责人在场、双人签封", "Spare keys/codes sealed with head present, two signatures", False),
    ("VLT-12", C, "外单位查库须持介绍信、本行领导陪同；夜间不接受外单位查库", "External inspectors need letter + escort; no external vault checks at night", False),
    ("VLT-13", K, "查库情况记入查库登记簿，查库人与管库人共同签字", "Record in vault-check register, signed by checker and custodian", False),
]

CIT = [
    ("CIT-01", C, "坚持\u201c车等款\u201d，严禁\u201c款等车\u201d", "The van waits for the cash, never the cash for the van", False),
    ("CIT-02", P, "运钞车停靠在网点监控范围内，尽量靠近大门", "Van parks inside outlet CCTV coverage, close to the door", False),
    ("CIT-03", C, "核对车号、押运人员胸牌/身份后方可开门", "Verify plate and crew badges/ID before opening", False),
    ("CIT-04", C, "押运员先下车警戒，解款员后下车；持枪押运员一前一后护送", "Guards alight first and cover; cash handler follows; armed guards front & rear", False),
    ("CIT-05", K, "交接在营业间（柜台）内办理，严禁柜台外携箱候车", "Handover inside the secure area; never wait outside with boxes", False),
    ("CIT-06", K, "当面核对款箱数量、编号、锁具/封签，登记交接簿双方签字", "Count boxes, check numbers and seals face to face; both sign the register", True),
    ("CIT-07", C, "网点至少1人留守柜内，其余持器械护送", "≥1 staff stays inside; others escort with tools", False),
    ("CIT-08", P, "交接期间前门/联动门临时断电不超过3分钟", "Door power may be off ≤3 min during handover", False),
    ("CIT-09", T, "停靠与交接全程录像", "Parking and handover fully recorded", False),
    ("CIT-10", C, "押运员穿防弹衣、戴头盔；司机不下车、不熄火", "Crew in body armour & helmets; driver stays in, engine running", False),
    ("CIT-11", C, "发现人员不符、箱锁破损等异常立即停止交接并报告", "Stop and report on any mismatch or damaged box/seal", True),
    ("CIT-12", T, "运钞车驶离后关闭门窗、布防", "Close up and arm after the van has left", False),
]

WEEKLY = [
    ("WK-01", T, "监控逐路查看图像齐全清晰，抽查回放，硬盘状态、时间校准", "Every channel live & clear; sample playback; disk health; clock sync", True),
    ("WK-02", T, "镜头有无损伤、遮挡或被更换，清洁镜头", "Lenses undamaged/unswapped/unblocked; clean them", True),
    ("WK-03", T, "报警键盘/主机状态、备用电源，核查误报记录及区域", "Alarm keypad/panel status, backup power, false-alarm log", False),
    ("WK-04", T, "抽测紧急按钮并与报警中心核对", "Test a panic button with the receiving centre", False),
    ("WK-05", P, "联动门、门窗、防盗栏、锁具完好", "Interlock door, doors, windows, bars, locks sound", True),
    ("WK-06", C, "防卫器械数量、状态", "Defensive tools count/condition", False),
    ("WK-07", F, "灭火器压力、位置；消火栓水带\u201cN\u201d形折叠摆放", "Extinguisher pressure/position; hose folded N-shape in cabinet", True),
    ("WK-08", F, "疏散通道、应急照明、疏散指示", "Escape routes, emergency lights, exit signs", True),
    ("WK-09", C, "每日检查表、交接簿、钥匙交接簿填写完整、签字真实（杜绝后补签字）", "Daily logs, handover & key registers complete; no back-filled signatures", False),
    ("WK-10", T, "自助设备巡查记录核对", "Review ATM patrol records", False),
    ("WK-11", C, "抽问员工应急分工、报警暗语", "Quiz staff on emergency roles and duress codes", False),
    ("WK-12", C, "发现隐患登记、上报并跟踪整改", "Log, report and track every hazard to closure", False),
]

# A contracted outlet's weekly check also looks at how the counter is run (the banks' summaries).
WEEKLY_CONTRACT = WEEKLY + [
    ("WK-13", K, "柜员临时离岗执行\u201c签退\u201d：印章、现金箱上锁，终端退出", "A teller leaving the post signs out: seals and cash box locked, terminal logged out", False),
    ("WK-14", C, "午间、节假日网点有负责人带班，人员在岗", "At noon and on holidays a responsible person leads the outlet and staff are at their posts", False),
    ("WK-15", C, "早、中、晚时段抽查关键岗位、关键人员", "Morning, noon and evening spot checks of key posts and key people", False),
]

MONTHLY = [
    ("MON-01", C, "安全保卫制度、责任书、各类登记簿执行情况", "Rules, responsibility letters, registers actually followed", False),
    ("MON-02", K, "查库：账实相符、钥匙密码分管、双人管库", "Vault audit: book=physical, split keys/codes, dual custody", False),
    ("MON-03", T, "110联网报警线路测试，与报警中心核对回执", "Test 110 alarm line; match the centre's receipt", False),
    ("MON-04", T, "监控：保存天数核查、随机调阅回放、设备擦拭保养", "CCTV: retention check, random playback, monthly cleaning/maintenance", True),
    ("MON-05", F, "月度防火检查：用火用电、消防设施、疏散通道、重点部位人员在岗，留记录", "Monthly fire inspection: fire/electric use, equipment, exits, staff at posts; recorded", True),
    ("MON-06", F, "灭火器月检（外观、压力、铅封、喷管）并记录", "Monthly extinguisher check (body, gauge, seal, hose) recorded", True),
    ("MON-07", K, "调阅押运交接录像，抽查交接规范", "Review CIT-handover footage for compliance", False),
    ("MON-08", P, "自助设备/自助银行防护设施", "ATM / self-service-bank protection", True),
    ("MON-09", C, "应急预案演练开展及记录、员工安全教育记录", "Drills held and recorded; staff safety-training records", False),
    ("MON-10", C, "保安人员在岗、持证；外包人员变动报备", "Guards on post & licensed; outsourced staff changes reported", False),
    ("MON-11", C, "隐患台账整改闭环情况", "Hazard register closed-loop status", False),
]

HOLIDAY = [
    ("HOL-01", C, "按当年调休安排制定节日安全检查、值班、应急方案", "Build the holiday check/duty/emergency plan from the year's official schedule", False),
    ("HOL-02", C, "节前自查+上级抽查；隐患立即整改，短期无法整改的落实专项措施", "Self-check + spot-checks; fix now or apply interim measures", False),
    ("HOL-03", P, "财务、机房、档案等要害部位逐一排查", "Walk every critical room: finance, server room, archives", True),
    ("HOL-04", K, "重要单据、印章锁入保险柜，节日期间封存", "Lock key documents and seals in safes; seal them for the holiday", False),
    ("HOL-05", C, "节日不营业网点于节前最后一个工作日营业终了后全面自查", "Closed outlets do a full self-check after close on the last working day", False),
    ("HOL-06", T, "110报警线路节前测试", "Pre-holiday 110 alarm-line test", False),
    ("HOL-07", F, "消防栓、灭火器及其检查记录；通勤门、加钞间管理；营业厅及自助区报警", "Hydrants, extinguishers & logs; staff door, ATM loading room; hall/ATM alarms", True),
    ("HOL-08", C, "节日营业网点明确应急联系人并做针对性演练", "Open outlets name an emergency contact and run a targeted drill", False),
    ("HOL-09", C, "值班表、带班领导、通讯畅通；电话查岗", "Duty roster, leader on call, phones reachable; phone spot-checks", False),
    ("HOL-10", P, "断开非必要电源，门窗锁闭，布防确认", "Cut non-essential power, lock up, confirm arming", False),
]

SUMMER = [
    ("SUM-01", F, "线路有无破损、松动、老化", "Cables not damaged, loose or aged", True),
    ("SUM-02", F, "插座是否超负荷，有无多设备共用一个插座、私拉乱接", "No overloaded or daisy-chained sockets; no ad-hoc wiring", True),
    ("SUM-03", T, "机房、监控室UPS与空调散热正常", "UPS and A/C cooling in server/monitoring room OK", False),
    ("SUM-04", F, "配电箱漏电保护、分级保护、标识完好，周边无杂物", "Distribution board RCD/selectivity/labels OK, area clear", True),
    ("SUM-05", F, "落实\u201c人走断电\u201d，非24小时设备下班断电", "\"Power off when you leave\" for non-24h equipment", False),
    ("SUM-06", F, "灭火器避免暴晒高温（存放环境约5–45℃）", "Extinguishers out of sun/heat (≈5–45 °C)", False),
    ("SUM-07", P, "防汛：挡水板、沙袋、排水；地下库房/机房防渗", "Flood prep: barriers, sandbags, drains; basement vault/server room", False),
    ("SUM-08", T, "防雷接地、设备接地完好", "Lightning protection and earthing intact", False),
    ("SUM-09", F, "营业场所内不停放、不充电电动自行车", "No e-bike parking/charging inside premises", False),
    ("SUM-10", C, "对员工和外包人员开展安全用电培训", "Electrical-safety briefing for staff and contractors", False),
]

# Leadership inspections walk the monthly comprehensive list plus the key weekly items.
LEADERSHIP = MONTHLY + [item for item in WEEKLY if item[0] in {"WK-04", "WK-09", "WK-11"}]

# (code, purpose, Chinese name, English name, items)
TEMPLATES = [
    ("DAILY-OPEN", "daily_open", "营业前安全检查", "Before-opening check", DAILY_OPEN),
    ("DAILY-CLOSE", "daily_close", "营业后安全检查", "After-closing check", DAILY_CLOSE),
    ("SSB-PATROL", "self_service_patrol", "自助银行巡检", "Self-service bank patrol", SELF_SERVICE),
    ("VAULT-DUAL", "vault_dual", "金库双人开关库检查", "Vault open/close under dual control", VAULT),
    ("CIT-TRIP", "cit_trip", "押运交接检查", "Cash-in-transit handover check", CIT),
    ("OFFICE-WEEKLY", "office_weekly", "办公楼每周安全检查", "Office building weekly check", WEEKLY),
    ("WEEKLY-CONTRACT", "weekly_contracted", "包片网点周检", "Weekly check of contracted premises", WEEKLY_CONTRACT),
    ("MONTHLY-COMP", "monthly_comprehensive", "支行月度综合检查", "Monthly comprehensive sub-branch inspection", MONTHLY),
    ("PRESIDENT", "president", "行长安全检查", "President's inspection", LEADERSHIP),
    ("LEADER", "leader", "分管行长安全检查", "Leader-in-charge inspection", LEADERSHIP),
    ("PHASED-REVIEW", "phased_review", "领导班子阶段性综合检查", "Phased leadership review", LEADERSHIP),
    ("HOLIDAY", "holiday", "节前安全检查", "Holiday check", HOLIDAY),
    ("SUMMER-ELEC", "summer_electrical", "夏季用电安全检查", "Summer electrical check", SUMMER),
]

# (code, level, period, count, target, premises kind, performer post, template code, season months)
RULES = [
    ("L1-PRESIDENT", "L1", "month", 1, "sub_branch", "", "president", "PRESIDENT", None),
    ("L2-LEADER", "L2", "month", 1, "sub_branch", "", "leader_in_charge", "LEADER", None),
    ("L3-CONTRACT", "L3", "week", 1, "contracted", "outlet", "security_department", "WEEKLY-CONTRACT", None),
    ("L4-OPEN", "L4", "business_day", 1, "premises_of_kind", "outlet", "security_officer", "DAILY-OPEN", None),
    ("L4-CLOSE", "L4", "business_day", 1, "premises_of_kind", "outlet", "security_officer", "DAILY-CLOSE", None),
    ("L4-SSB", "L4", "business_day", 3, "premises_of_kind", "self_service", "security_officer", "SSB-PATROL", None),
    ("L4-VAULT", "L4", "business_day", 1, "premises_of_kind", "vault", "security_officer", "VAULT-DUAL", None),
    ("L4-CIT", "L4", "business_day", 1, "premises_of_kind", "cash_in_transit", "security_officer", "CIT-TRIP", None),
    ("L4-OFFICE", "L4", "week", 1, "premises_of_kind", "office_building", "security_department", "OFFICE-WEEKLY", None),
    ("L5-REVIEW", "L5", "quarter", 1, "sub_branch", "", "leader_in_charge", "PHASED-REVIEW", None),
    ("MC-MONTHLY", "MC", "month", 1, "sub_branch", "", "security_department", "MONTHLY-COMP", None),
    ("HO-HOLIDAY", "HO", "holiday", 1, "premises_of_kind", "outlet", "outlet_head", "HOLIDAY", None),
    ("SU-SUMMER", "SU", "season", 1, "premises_of_kind", "outlet", "security_officer", "SUMMER-ELEC", (6, 9)),
]
# fmt: on
