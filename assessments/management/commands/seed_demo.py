import random
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments import review
from assessments.demo_evidence import attach_demo_evidence
from assessments.models import Answer, Assessment, PlanItem, Region
from assessments.results import advice_for
from assessments.review_models import Review
from assessments.transitions import submit_assessment
from frameworks.models import Framework, Indicator
from frameworks.permissions import make_framework_editor

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
# More regions for `--regions N` (peers to compare with): name, kind, city type; kinds take turns so
# that every kind soon has enough peers. Their levels, and 1–3 submitted assessments, are drawn from a
# generator seeded by their position: the same every time.
MORE_REGIONS = [
    ("宁波市", "city", "port"), ("深圳市南山区", "district", "comprehensive"), ("中关村软件园", "park", "industrial"),
    ("桂林市", "city", "tourism"), ("广州市南沙区", "district", "port"), ("张江科学城", "park", "industrial"),
    ("柳州市", "city", "industrial"), ("杭州市西湖区", "district", "tourism"), ("青岛前湾保税港区", "park", "port"),
    ("成都市", "city", "comprehensive"), ("重庆市两江新区", "district", "industrial"),
    ("杭州未来科技城", "park", "comprehensive"), ("厦门市", "city", "port"), ("天津市滨海新区", "district", "port"),
    ("千岛湖旅游度假区", "park", "tourism"), ("三亚市", "city", "tourism"),
    ("北京市海淀区", "district", "comprehensive"), ("合肥高新技术产业开发区", "park", "industrial"),
    ("唐山市", "city", "industrial"), ("西安市雁塔区", "district", "tourism"), ("成都天府软件园", "park", "industrial"),
    ("合肥市", "city", "comprehensive"),
    ("武汉市江岸区", "district", "comprehensive"), ("南京江北新区研创园", "park", "comprehensive"),
    ("丽江市", "city", "tourism"), ("青岛市", "city", "port"), ("佛山市顺德区", "district", "industrial"),
    ("苏州相城经济技术开发区", "park", "industrial"), ("连云港市", "city", "port"), ("杭州市", "city", "comprehensive"),
]
YEAR = 2026
# The official's bureaus as contributors of 苏州工业园区's draft: user name, name and bureau, parts (part,
# independently?), and their independent levels of part O1 (the two disagree: D-level gaps of 2 and more).
CONTRIBUTORS = [
    ("dev_reform", "发展改革委 / Development and Reform", [("S", False), ("O1", True)], (3, 1, 2)),
    ("data_bureau", "数据资源局 / Data Bureau", [("D", False), ("O1", True)], (1, 3, 2)),
]


def _levels(profile: dict[str, int], indicators, rng: random.Random, kind: str) -> dict[Indicator, int | str]:
    """Demo levels; "not applicable" (sometimes) only where the region's kind may use it."""
    answers = {}
    for indicator in indicators:
        base = profile[indicator.subdimension.dimension.code]
        level = min(4, max(0, base + rng.choice((-1, 0, 0, 1))))
        answers[indicator] = "na" if indicator.allows_na_for(kind) and rng.random() < 0.1 else level
    return answers


def _evidence(region, indicator, value, framework) -> str:
    if value != "na":
        return f"{region.name}：{indicator.code} 示例证据 / sample evidence"
    if framework.na_requires_reason:
        return f"{region.name}：本区域不承担该职能 / this region has no such remit (sample reason)"
    return ""


def _create_assessment(region, framework, indicators, *, title, profile, rng, when, submit, user,
                       fraction=1.0):
    assessment = Assessment.objects.create(region=region, framework=framework, title=title, created_by=user)
    chosen = _levels(profile, indicators, rng, region.kind)
    answered = list(chosen.items())[: round(len(chosen) * fraction)]
    Answer.objects.bulk_create(
        Answer(assessment=assessment, indicator=indicator, level=None if value == "na" else value,
               not_applicable=value == "na", updated_by=user,
               evidence=_evidence(region, indicator, value, framework))
        for indicator, value in answered
    )
    if submit:
        submit_assessment(assessment=assessment, user=user, at=when)
    Assessment.objects.filter(pk=assessment.pk).update(created_at=when, updated_at=when)
    return assessment


class Command(BaseCommand):
    help = "Create demo users and regions with assessments (development only: refused when DEBUG is off)."

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=len(DEMO_REGIONS), metavar="N",
                            help=f"at least N demo regions (default {len(DEMO_REGIONS)}): the first "
                                 f"{len(DEMO_REGIONS)}, then more cities, districts and parks of every city type "
                                 "with 1–3 submitted assessments each, the same every time")

    def handle(self, *args, regions=None, **options):
        regions = len(DEMO_REGIONS) if regions is None else regions
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with a published password; it runs only with DEBUG on.")
        framework = Framework.objects.latest_published(FRAMEWORK)
        if framework is None:
            raise CommandError(f"Load the framework first: python manage.py loaddata {FRAMEWORK}")
        with transaction.atomic():
            users = self._users()
            created = self._regions(framework, users)
            created += self._more_regions(framework, users, regions - len(DEMO_REGIONS))
            self._plan(users["official"])
            self._team(users["official"], framework)
            self._review(users)
            attach_demo_evidence(official=users["official"])
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready ({created} new regions). Sign in at http://127.0.0.1:8000/accounts/login/"
        ))
        team = [(username, "contributor of 苏州工业园区: parts " + ", ".join(
            part + (" (independent)" if independent else "") for part, independent in parts))
            for username, _name, parts, _levels in CONTRIBUTORS]
        for username, role in (("official", "official of 苏州工业园区"),
                               ("consultant", "consultant for 4 regions: reviews 苏州工业园区's 2026 assessment"),
                               ("assessor", "third-party assessor of 苏州工业园区: verified its 2025 assessment"),
                               ("admin", "framework editor: the questionnaire in /admin/, no regions"), *team):
            self.stdout.write(f"  {username:<11} / {DEMO_PASSWORD}   ({role})")

    def _users(self):
        User = get_user_model()  # noqa: N806
        users = {}
        for username in ("official", "consultant", "assessor", "admin"):
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
            user.set_password(DEMO_PASSWORD)
            user.is_staff = user.is_superuser = False
            user.save()
            if username == "admin":  # edits the questionnaire in the admin; sees no region's assessments
                make_framework_editor(user=user)
            users[username] = user
        return users

    def _review(self, users) -> None:
        """Once, in the official's region: the 2025 assessment verified by the assessor (one answer
        queried and answered by a reply, all accepted; no answer changed, so the demo's scores stay those
        of tests/golden), and the 2026 one in review by the consultant with a query open."""
        region = users["official"].official_regions.order_by("pk").first()
        if region is None:
            return
        region.assessors.add(users["assessor"])
        earlier, latest = (region.assessments.filter(status=Assessment.Status.SUBMITTED, title=title).first()
                           for title in ("2025 年度自评估", "2026 年度自评估"))
        if earlier is None or latest is None or Review.objects.filter(assessment__in=[earlier, latest]).exists():
            return
        official, assessor, consultant = users["official"], users["assessor"], users["consultant"]
        answers = list(earlier.answers.select_related("indicator").order_by("indicator__code"))
        queried = next(a for a in answers if a.level)
        review.start_review(assessment=earlier, user=assessor)
        review.query_answer(assessment=earlier, user=assessor, code=queried.indicator.code,
                            comment="佐证材料只覆盖试点片区，请核实等级。")
        review.reply_to_query(assessment=earlier, user=official, code=queried.indicator.code,
                              text="其余片区的验收报告已补充到佐证材料说明中，等级保持不变。")
        for answer in answers:
            review.accept_answer(assessment=earlier, user=assessor, code=answer.indicator.code)
        review.verify(assessment=earlier, user=assessor)
        codes = list(latest.answers.order_by("indicator__code").values_list("indicator__code", flat=True))
        review.start_review(assessment=latest, user=consultant)
        for code in codes[:5]:
            review.accept_answer(assessment=latest, user=consultant, code=code)
        review.query_answer(assessment=latest, user=consultant, code=codes[5],
                            comment="请补充该指标的验收报告或运行数据。")

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

    def _team(self, official, framework) -> None:
        """Two contributors on the official's draft, once: S and D each, and O1 independently by both
        (with a disagreement of two levels or more on its indicators)."""
        from assessments.models import Assignment, Response

        region = official.official_regions.order_by("pk").first()
        draft = region.assessments.filter(status=Assessment.Status.DRAFT).order_by("pk").first() if region else None
        User = get_user_model()  # noqa: N806
        for username, name, parts, levels in CONTRIBUTORS:
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
            user.first_name = name
            user.set_password(DEMO_PASSWORD)
            user.save()
            if region is None or draft is None:
                continue
            region.contributors.add(user)
            if Assignment.objects.filter(assessment=draft, user=user).exists():
                continue
            for part, independent in parts:
                Assignment.objects.create(assessment=draft, user=user, part=part, independent=independent,
                                          assigned_by=official)
            o1 = Indicator.objects.filter(subdimension__dimension__framework=framework, subdimension__code="O1")
            for indicator, level in zip(o1.order_by("order"), levels, strict=False):
                Response.objects.create(assessment=draft, indicator=indicator, user=user, level=level,
                                        evidence=f"{name}：{indicator.code} 独立评估 / independent answer")
            own_part = next(part for part, independent in parts if not independent)
            first = Indicator.objects.filter(subdimension__dimension__framework=framework,
                                             subdimension__dimension__code=own_part).order_by("subdimension__order",
                                                                                           "order").first()
            if first is None:  # every dimension of the framework has indicators
                raise CommandError(f"part {own_part} has no indicators")
            Answer.objects.update_or_create(assessment=draft, indicator=first, defaults={
                "level": 2, "not_applicable": False, "updated_by": user,
                "evidence": f"{name}：{first.code} 示例证据 / sample evidence"})

    def _more_regions(self, framework, users, count: int) -> int:
        """`count` more regions (beyond the list: numbered names), each with 1–3 submitted assessments."""
        if count <= 0:
            return 0
        indicators = list(
            Indicator.objects.filter(subdimension__dimension__framework=framework)
            .select_related("subdimension__dimension")
        )
        kinds = [kind for kind, _ in Region.Kind.choices]
        city_types = ["port", "industrial", "tourism", "comprehensive"]
        now = timezone.now()
        created = 0
        for number in range(count):
            if number < len(MORE_REGIONS):
                name, kind, city_type = MORE_REGIONS[number]
            else:
                name, kind = f"演示区域 {number + 1:03d}", kinds[number % len(kinds)]
                city_type = city_types[number // len(kinds) % len(city_types)]
            region, is_new = Region.objects.get_or_create(name=name, defaults={"kind": kind, "city_type": city_type})
            if not is_new:
                continue
            created += 1
            rng = random.Random(1000 + number)  # noqa: S311 - deterministic demo data, not security
            base = {code: rng.randint(0, 3) for code in "SODPA"}
            submitted = 1 + number % 3
            for step in range(submitted):
                years_ago = submitted - 1 - step
                profile = {code: min(4, level + step) for code, level in base.items()}
                _create_assessment(region, framework, indicators, title=f"{YEAR - years_ago} 年度自评估",
                                   profile=profile, rng=rng, when=now - timedelta(days=365 * years_ago + 45),
                                   submit=True, user=users["admin"])
        return created

    def _plan(self, official) -> None:
        """A few improvement-plan items for the official's region, once: from its earlier submitted
        assessment (so the later one shows target against achieved) and from its latest."""
        region = official.official_regions.order_by("pk").first()
        if region is None or PlanItem.objects.filter(region=region).exists():
            return
        submitted = list(region.assessments.filter(status=Assessment.Status.SUBMITTED).order_by("submitted_at"))
        owners = ["园区数据资源局 / Data Bureau", "园区规划建设局 / Planning Bureau", "园区运营公司 / Operations Co."]
        statuses = [PlanItem.Status.DONE, PlanItem.Status.IN_PROGRESS, PlanItem.Status.PLANNED]
        for position, assessment in enumerate(submitted[-2:]):
            assessment = Assessment.objects.with_answers().get(pk=assessment.pk)
            advice = advice_for(assessment=assessment)
            levels = {answer.indicator.code: answer.level for answer in assessment.answers.all()}
            targets = []
            for area in advice.weak_areas:
                indicator = next((i for i in area.subdimension.indicators.order_by("order")
                                  if isinstance(levels.get(i.code), int) and levels[i.code] < 4), None)
                if indicator is not None:
                    targets.append((area.subdimension, indicator))
            due = (assessment.submitted_at + timedelta(days=300)).date()
            for number, (sub, indicator) in enumerate(targets[:3]):
                PlanItem.objects.create(
                    assessment=assessment, region=region, created_by=official, owner=owners[number % len(owners)],
                    action=f"{sub.name_zh}：落实指引措施，提升 {indicator.code} / {sub.name_en}: "
                           f"apply the guide's measures to raise {indicator.code}",
                    target_date=due, indicator=indicator, target_level=min(4, levels[indicator.code] + 1),
                    status=statuses[number] if position == 0 else PlanItem.Status.PLANNED,
                )
            PlanItem.objects.create(
                assessment=assessment, region=region, created_by=official, owner=owners[0], target_date=due,
                action="组织数字孪生专题培训 / Run a digital-twin training programme for staff",
                status=PlanItem.Status.DONE if position == 0 else PlanItem.Status.IN_PROGRESS,
            )
