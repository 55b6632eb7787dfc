import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments.models import Answer, Assessment, Region, StatusChange
from frameworks.models import Framework, Indicator

DEMO_PASSWORD = "sodpa-demo-2026"  # noqa: S105 - documented demo password; refused when DEBUG is off
FRAMEWORK = "sodpa-2023"

# name, kind, city type, typical level per dimension (S, O, D, P, A), official's region?, consultant's?
DEMO_REGIONS = [
    ("苏州工业园区", "park", "industrial", (3, 3, 4, 3, 3), True, True),
    ("上海临港新片区", "district", "port", (3, 2, 3, 3, 2), False, True),
    ("无锡市梁溪区", "district", "comprehensive", (2, 2, 3, 3, 2), False, True),
    ("黄山市", "city", "tourism", (1, 1, 2, 1, 1), False, True),
    ("乌鲁木齐市", "city", "port", (2, 1, 2, 1, 2), False, False),
]


def _levels(profile: dict[str, int], indicators, rng: random.Random) -> dict[Indicator, int | str]:
    answers = {}
    for indicator in indicators:
        base = profile[indicator.subdimension.dimension.code]
        level = min(4, max(0, base + rng.choice((-1, 0, 0, 1))))
        answers[indicator] = "na" if indicator.allows_na and rng.random() < 0.1 else level
    return answers


def _create_assessment(region, framework, indicators, *, title, profile, rng, when, submit, user,
                       fraction=1.0):
    assessment = Assessment.objects.create(region=region, framework=framework, title=title, created_by=user)
    chosen = _levels(profile, indicators, rng)
    answered = list(chosen.items())[: round(len(chosen) * fraction)]
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=indicator, level=None if value == "na" else value,
               not_applicable=value == "na", updated_by=user,
               evidence=f"{region.name}：{indicator.code} 示例证据 / sample evidence" if value != "na" else "")
        for indicator, value in answered
    )
    if submit:
        assessment.status = Assessment.Status.SUBMITTED
        assessment.submitted_at = when
        assessment.save(update_fields=["status", "submitted_at"])
        StatusChange.objects.create(assessment=assessment, status=assessment.status, changed_by=user)
    Assessment.objects.filter(pk=assessment.pk).update(created_at=when, updated_at=when)
    return assessment


class Command(BaseCommand):
    help = "Create demo users and regions with assessments (development only: refused when DEBUG is off)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with a published password; it runs only with DEBUG on.")
        framework = Framework.objects.latest_published(FRAMEWORK)
        if framework is None:
            raise CommandError(f"Load the framework first: python manage.py loaddata {FRAMEWORK}")
        with transaction.atomic():
            users = self._users()
            created = self._regions(framework, users)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready ({created} new regions). Sign in at http://127.0.0.1:8000/accounts/login/"
        ))
        for username, role in (("official", "official of 苏州工业园区"),
                               ("consultant", "consultant for 4 regions"), ("admin", "administrator")):
            self.stdout.write(f"  {username:<11} / {DEMO_PASSWORD}   ({role})")

    def _users(self):
        User = get_user_model()  # noqa: N806
        users = {}
        for username in ("official", "consultant", "admin"):
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = username == "admin"
            user.save()
            users[username] = user
        return users

    def _regions(self, framework, users) -> int:
        indicators = list(
            Indicator.objects.filter(subdimension__dimension__framework=framework)
            .select_related("subdimension__dimension")
        )
        now = timezone.now()
        created = 0
        for number, (name, kind, city_type, levels, official, consultant) in enumerate(DEMO_REGIONS):
            region, is_new = Region.objects.get_or_create(name=name, defaults={"kind": kind, "city_type": city_type})
            if official:
                region.officials.add(users["official"])
            if consultant:
                region.consultants.add(users["consultant"])
            if not is_new:
                continue
            created += 1
            rng = random.Random(number)  # noqa: S311 - deterministic demo data, not security
            profile = dict(zip("SODPA", levels, strict=True))
            earlier = {code: max(0, level - 1) for code, level in profile.items()}
            _create_assessment(region, framework, indicators, title="2025 年度自评估", profile=earlier,
                               rng=rng, when=now - timedelta(days=365), submit=True, user=users["official"])
            _create_assessment(region, framework, indicators, title="2026 年度自评估", profile=profile,
                               rng=rng, when=now - timedelta(days=30), submit=True, user=users["official"])
            if official:
                _create_assessment(region, framework, indicators, title="2027 年度自评估（草稿）",
                                   profile=profile, rng=rng, when=now - timedelta(days=2), submit=False,
                                   user=users["official"], fraction=0.4)
        return created
