# ruff: noqa: E501  (long lines of letter text read better unbroken)
"""Head office's standard letter texts and post duties, in Chinese and English.

Drawn from the year-end summaries in the domain document: the "Responsibility Letter for
Preventing Economic, Criminal, Public Security Cases and Liability Accidents" signed with
every outlet and employee, the safety responsibility letters signed "step by step" with
departments and subordinate units, and the duties of each post under "who is in charge
is responsible". Loaded by ``services.standard_content_ensure`` (after ``migrate``, by the
demo seed and a round's issuing, never by a page that only reads); head office edits them
afterwards on the templates page.
"""

from branches.choices import Post
from responsibilities.choices import LetterKind

_COMMON_ZH = """第一条 坚持"安全第一、预防为主、综合治理"的方针和"谁主管、谁负责"的原则，{party}是本责任书约定范围内安全工作的直接责任人。
第二条 严格执行上级行和{issuer}的各项安全保卫制度，落实人防、物防、技防措施，做到营业前、营业后检查，发现隐患立即整改，不能立即整改的报告并落实专项措施。
第三条 每月至少参加两次安全学习，熟悉防抢劫、防盗窃、防诈骗、防火灾应急预案，积极参加应急演练。
第四条 发生案件、事故或可疑情况，立即报告110和上级保卫部门，保护现场，如实反映情况。
第五条 本责任书有效期为{year}年1月1日至{year}年12月31日。因未履行责任造成经济、刑事、治安案件或责任事故的，按有关规定追究责任，实行"一票否决"。"""

_COMMON_EN = """Article 1. Following "safety first, prevention first, comprehensive management" and "who is in charge is responsible", {party} is directly responsible for safety within the scope of this letter.
Article 2. Apply the security rules of the bank and of {issuer}; keep civil, physical and technical defences in place; check before opening and after closing; fix hidden dangers at once, or report them and apply interim measures.
Article 3. Attend safety study at least twice a month; know the robbery, theft, fraud and fire emergency plans; take part in drills.
Article 4. Report any case, accident or suspicious situation to 110 and to the security department at once; protect the scene; report truthfully.
Article 5. This letter is valid from 1 January to 31 December {year}. Failure to meet these duties that leads to an economic, criminal or public-security case or a liability accident is dealt with under the rules, with a one-vote veto."""

TEMPLATES = {
    LetterKind.EMPLOYEE: {
        "title": "{year}年度防范经济、刑事、治安案件和责任事故责任书",
        "title_en": "{year} Responsibility Letter for Preventing Economic, Criminal, Public Security Cases and Liability Accidents",
        "body": "甲方：{issuer}\n乙方：{party}（岗位：{post}）\n\n" + _COMMON_ZH + "\n\n乙方本岗位安全职责：\n{duties}",
        "body_en": "Party A: {issuer}\nParty B: {party} (post: {post})\n\n"
        + _COMMON_EN
        + "\n\nSafety duties of Party B's post:\n{duties}",
    },
    LetterKind.PREMISES: {
        "title": "{year}年度网点安全保卫责任书",
        "title_en": "{year} Premises Security Responsibility Letter",
        "body": "甲方：{issuer}\n乙方：{party}\n\n"
        + _COMMON_ZH
        + "\n第六条 网点负责人是网点安全第一责任人，网点不得出现午间、节假日无人值守；安防设施、110联网报警和监控录像保持正常运行。"
        + "\n\n网点负责人安全职责：\n{duties}",
        "body_en": "Party A: {issuer}\nParty B: {party}\n\n"
        + _COMMON_EN
        + "\nArticle 6. The head of the premises is its first person responsible for safety; the premises is never left unstaffed at noon or on holidays; security devices, the 110 alarm link and CCTV recording are kept working."
        + "\n\nSafety duties of the head of the premises:\n{duties}",
    },
    LetterKind.DEPARTMENT: {
        "title": "{year}年度部门安全责任书",
        "title_en": "{year} Department Safety Responsibility Letter",
        "body": "甲方：{issuer}\n乙方：{party}\n\n"
        + _COMMON_ZH
        + "\n第六条 部门负责人对本部门的安全保卫、消防安全和综合治理工作负责，要害部位（财务、机房、档案）每日下班前检查，人走断电、门窗锁闭。"
        + "\n\n部门负责人安全职责：\n{duties}",
        "body_en": "Party A: {issuer}\nParty B: {party}\n\n"
        + _COMMON_EN
        + "\nArticle 6. The head of the department is responsible for its security, fire safety and comprehensive management; critical rooms (finance, server room, archives) are checked before leaving each day, power off and doors and windows locked."
        + "\n\nSafety duties of the head of the department:\n{duties}",
    },
    LetterKind.SAFETY_PRODUCTION: {
        "title": "{year}年度安全生产目标责任书",
        "title_en": "{year} Safety Production Responsibility Letter",
        "body": "甲方：{issuer}\n乙方：{party}\n\n"
        + "为落实安全生产责任制，层层签订安全生产责任书，明确安全责任范围，落实安全生产、内部治安保卫、消防安全管理和综合治理责任，双方约定如下：\n"
        + _COMMON_ZH
        + "\n第六条 乙方成立以行长为主任、分管行长为副主任、保卫部门牵头的安全生产委员会，每月对所辖网点全面检查一次，节假日安排领导带班值班并公布值班电话。"
        + "\n第七条 乙方与辖区派出所、周边单位和居民签订联防协议。"
        + "\n\n乙方主要负责人安全职责：\n{duties}",
        "body_en": "Party A: {issuer}\nParty B: {party}\n\n"
        + "To implement the safety production responsibility system, letters are signed level by level, making clear the scope of responsibility for safety production, internal security, fire safety and comprehensive management. The parties agree:\n"
        + _COMMON_EN
        + "\nArticle 6. Party B keeps a safety production committee with the president as director, the leader in charge as deputy and the security department leading the members; inspects every premises in full each month; arranges a leader on duty with a published duty phone on holidays and weekends."
        + "\nArticle 7. Party B signs joint-defence agreements with the local police station, neighbouring units and residents."
        + "\n\nSafety duties of Party B's head:\n{duties}",
    },
}

DUTIES = {
    Post.HEAD_OFFICE_SECURITY: (
        "1. 制定全行安全保卫制度、检查标准和频次；2. 组织对各分支机构的检查和考核；3. 管理责任书模板，督促签订；4. 汇总上报安全工作情况。",
        "1. Set the bank's security rules, check standards and frequencies; 2. inspect and assess every branch; 3. keep the letter templates and see they are signed; 4. compile and report safety work.",
    ),
    Post.PRESIDENT: (
        "1. 本单位安全第一责任人，任安全生产委员会主任；2. 亲自带队检查；3. 签订并会签本单位安全责任书；4. 节假日带班值班。",
        "1. First person responsible for the unit's safety and director of the safety production committee; 2. inspect in person; 3. sign and countersign the unit's letters; 4. lead duty on holidays.",
    ),
    Post.LEADER_IN_CHARGE: (
        "1. 协助行长分管安全工作，任安全生产委员会副主任；2. 定期检查；3. 组织应急预案演练；4. 节假日带班值班。",
        "1. Assist the president in charge of safety, deputy director of the committee; 2. inspect regularly; 3. organise emergency drills; 4. lead duty on holidays.",
    ),
    Post.SECURITY_DEPARTMENT: (
        "1. 每周检查承包网点的安全制度和防范设施；2. 每月全面检查一次所辖支行；3. 隐患跟踪整改、复核销号；4. 组织安全学习和演练；5. 管理责任书、值班表和联防协议。",
        "1. Inspect the contracted premises' security and preventive facilities every week; 2. inspect every sub-branch in full each month; 3. follow hidden dangers until verified closed; 4. run safety study and drills; 5. keep letters, duty roster and joint-defence agreements.",
    ),
    Post.SECURITY_OFFICER: (
        "1. 协助网点负责人每个营业日营业前、营业后检查并记录；2. 检查110报警、监控录像、防卫器械、消防器材完好；3. 发现隐患立即报告并跟踪整改。",
        "1. Help the outlet head check before opening and after closing every business day and record it; 2. check the 110 alarm, CCTV, defensive tools and fire equipment; 3. report hidden dangers at once and follow the fix.",
    ),
    Post.OUTLET_HEAD: (
        '1. 网点安全第一责任人，实行安全管理"一把手"工程；2. 与安全员每日营业前、营业后检查并签字；3. 确认检查事实，落实隐患整改；4. 确保网点午间、节假日有人值守。',
        "1. First person responsible for the outlet's safety; 2. check with the security officer before opening and after closing every day and sign; 3. acknowledge inspection facts and fix hidden dangers; 4. keep the outlet staffed at noon and on holidays.",
    ),
    Post.TELLER: (
        '1. 坚守岗位，临时离岗必须"签退"：印章、现金箱上锁，终端退出；2. 重要空白凭证、印章入柜加锁；3. 熟悉防抢劫、防诈骗预案，遇警按规定报警。',
        "1. Stay at the post; when leaving it, sign out: seals and cash box locked, terminal logged out; 2. lock away blank vouchers and seals; 3. know the robbery and fraud plans and raise the alarm as set out.",
    ),
    Post.GUARD: (
        "1. 营业前与网点负责人、安全员同时到岗，不单人开门；2. 守护厅堂和款箱交接，持防卫器械在监控范围内警戒；3. 遇警按预案报警、疏散、保护现场。",
        "1. Arrive with the outlet head and security officer before opening; never open alone; 2. guard the hall and the cash-box handover with defensive tools inside CCTV coverage; 3. in an emergency raise the alarm, evacuate and protect the scene as the plan says.",
    ),
    Post.VOLUNTEER_FIREFIGHTER: (
        "1. 熟悉灭火器、消火栓和微型消防站器材的使用；2. 参加消防培训和演练；3. 发现初起火灾立即扑救并报警，引导疏散。",
        "1. Know how to use extinguishers, hydrants and the micro fire station's equipment; 2. take part in fire training and drills; 3. fight an incipient fire at once, raise the alarm and guide the evacuation.",
    ),
    Post.EMPLOYEE: (
        '1. 遵守安全保卫制度和操作规程；2. 参加安全学习和应急演练；3. 发现可疑情况和隐患主动报告，做"安全哨兵"。',
        '1. Follow the security rules and procedures; 2. take part in safety study and drills; 3. report anything suspicious and any hidden danger: be a "safety sentinel".',
    ),
}
