"""OCC WsDTOs by family: each module declares its DtoTypes (every property of SAP's DTO, its
``fields`` levels), the builders that fill them from the models, and the marshmallow schemas of
the request bodies of the same family. ``tests/test_dtos.py`` checks every declaration against
SAP's OpenAPI document."""
