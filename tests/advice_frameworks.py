"""Frameworks for the advice tests: version 2's real content (fixtures/source/sodpa-2023/v2, with
its scene prerequisites), loaded the way import_framework loads a document. Until the v2 loader
lands, "not applicable" is allowed where v2 lists an N/A kind (`na_kinds`)."""

import json
from pathlib import Path

from django.conf import settings

from frameworks.content import DIMENSION_FILES
from frameworks.models import Framework
from frameworks.records import create_framework, document_records

SOURCE = Path(settings.BASE_DIR) / "fixtures" / "source" / "sodpa-2023"


def v2_document() -> dict:
    document = json.loads((SOURCE / "framework.json").read_text(encoding="utf-8"))
    document["version"] = 2
    document["dimensions"] = [json.loads((SOURCE / "v2" / f"{code}.json").read_text(encoding="utf-8"))
                              for code in DIMENSION_FILES]
    for dimension in document["dimensions"]:
        for sub in dimension["subdimensions"]:
            for indicator in sub["indicators"]:
                indicator.setdefault("allows_na", bool(indicator.get("na_kinds")))
    document["recommendations"] = json.loads((SOURCE / "v2" / "recommendations.json").read_text(encoding="utf-8"))
    return document


def load_v2() -> Framework:
    return create_framework(document_records(v2_document(), status=Framework.Status.PUBLISHED))
