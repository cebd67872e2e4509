"""How the personal token appears in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token from /api/tokens/: Authorization: Bearer sbk_…",
        }


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(required=False)


class ProblemAutoSchema(AutoSchema):
    """Every operation may answer a problem: 400 (refused), 401, 403 (post), 404 (scope), 405, 406."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        problem = self._get_response_for_code(ProblemSerializer, "400", direction=direction)
        problem["content"] = {"application/problem+json": problem["content"]["application/json"]}
        for code in ("400", "401", "403", "404", "405", "406"):
            responses.setdefault(code, problem)
        return responses
