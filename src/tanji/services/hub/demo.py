"""The service hub's demo (idempotent): a demo service provider with a login and three
services, and three items of the policy section — the real Jiangsu implementation
opinions of 2024 (with its source; excerpts quoted) and two illustrative ones (marked so:
they cite no real document)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanji.db.models import OrganisationRow, PolicyItemRow, ProviderServiceRow, UserRow
from tanji.domain.accounts import Actor, OrgKind
from tanji.services import accounts, logins
from tanji.services.certification._common import today
from tanji.services.hub import policy, providers

__all__ = ["DEMO_PROVIDER", "load_hub_demo"]

#: (e-mail, password, what it is) of the demo service provider's admin.
DEMO_PROVIDER = (
    "provider@tanji.example",
    "tanji-demo-provider-1",
    "admin of 苏州示范低碳服务有限公司 (service provider)",
)
_PROVIDER_NAME = "苏州示范低碳服务有限公司"
_SERVICES = (
    ("consulting", "CN-JS-SZ", "产品碳足迹核算咨询（示范）",
     "按 GB/T 24067-2024 和适用的核算规则，协助企业建立产品模型、收集活动数据、"
     "选择排放因子并在平台上完成核算。示范服务，内容为举例。",
     "通过平台提交需求；示范联系人：张工"),
    ("testing", "CN-JS-SZ", "能源计量与检测（示范）",
     "为核算提供电、气、蒸汽等能源的计量核查与检测报告。示范服务，内容为举例。",
     "通过平台提交需求"),
    ("green-design", "CN-JS-WX", "产品绿色低碳设计（示范）",
     "从材料替代、轻量化和可回收设计入手降低产品碳足迹。示范服务，内容为举例。",
     "通过平台提交需求"),
)  # fmt: skip
_POLICY_TITLE = "江苏省产品碳足迹管理体系建设实施意见"
_POLICY_BODY = """江苏省发展改革委、省市场监督管理局、省生态环境厅、省工业和信息化厅、\
省住房和城乡建设厅、省交通运输厅于 2024 年 2 月 28 日印发。

## 主要目标（摘录）

> 到2025年，出台若干重点产品碳足迹核算规则和标准，力争完成400个产品碳足迹核算工作，\
电池、光伏、钢铁等重点行业碳足迹背景数据库初步搭建，省级产品碳足迹公共服务平台启动运行，\
产品碳足迹标识工作体系初步建立。

> 到2030年……完成1000个左右产品碳足迹核算工作……

## 重点任务

1. 建立产品碳足迹管理标准体系
2. 推动重点行业产品碳足迹核算
3. 建立重点行业碳足迹数据库
4. 推进产品碳标识认证工作
5. 构建碳足迹市场服务体系
6. 拓展丰富产品碳足迹应用场景
7. 加快形成碳足迹互认互信机制

关于公共服务平台，原文要求：“提供数据支撑、碳足迹核算、供需对接、政策宣贯、教育培训、\
消费引导等公共服务，聚合低碳咨询、检验检测、绿色设计、标识认证、金融服务、科技服务、\
法务商贸等市场服务资源。”
"""
_POLICY_SOURCE = (
    "江苏省发展改革委等六部门《江苏省产品碳足迹管理体系建设实施意见》，2024年2月28日印发"
)
_ILLUSTRATIVE = (
    ("training", "产品碳足迹核算入门培训（示范）",
     "Introduction to product footprint accounting (demo)",
     "面向企业核算人员的一日课程：核算规则、活动数据、排放因子与数据质量。",
     "本条为平台示范内容，不是真实的培训通知。\n\n## 课程安排\n\n- 上午：核算规则与系统边界\n"
     "- 下午：在平台上建立产品模型并核算\n\n报名请通过平台联系主办方。", 30, "南京（示范）"),
    ("notice", "关于平台试运行的通知（示范）", "Notice on the platform's trial operation (demo)",
     "平台试运行期间的注意事项。",
     "本条为平台示范内容，不是真实的通知。\n\n试运行期间，示范数据**不计入**全省进度统计。",
     None, ""),
)  # fmt: skip


def _login(session: Session, email: str, password: str) -> Actor | None:
    try:
        return logins.authenticate(session, email, password)
    except Exception:
        return None


def _provider(session: Session, operator: Actor) -> Actor:
    email, password, _ = DEMO_PROVIDER
    if session.scalar(select(UserRow.id).where(UserRow.email == email)) is None:
        org_id = accounts.register_organisation(
            session, operator, OrgKind.SERVICE_PROVIDER, _PROVIDER_NAME, region="CN-JS-SZ",
            name_en="Suzhou Demo Low-Carbon Services Co., Ltd.", admin_email=email,
            admin_password=password, admin_display_name="示范服务商管理员",
        )  # fmt: skip
        org = session.get(OrganisationRow, org_id)
        assert org is not None
        org.demo = True
        session.flush()
    actor = _login(session, email, password)
    assert actor is not None
    return actor


def load_hub_demo(session: Session) -> tuple[str, str, str]:
    """Create (once) the demo provider, its services and the policy section's items.
    Returns the provider's login (e-mail, password, what it is)."""
    operator = _login(session, *accounts.DEMO_ACCOUNTS[0][:2])
    province = _login(session, *accounts.DEMO_ACCOUNTS[3][:2])
    assert operator is not None, "the demo accounts come first"
    assert province is not None, "the demo accounts come first"
    provider = _provider(session, operator)
    have = set(
        session.scalars(
            select(ProviderServiceRow.title).where(ProviderServiceRow.org_id == provider.org_id)
        )
    )
    for category, city, title, description, contact in _SERVICES:
        if title not in have:
            providers.offer_service(
                session, provider, category=category, city=city, title=title,
                description=description, contact=contact,
            )  # fmt: skip
    titles = set(session.scalars(select(PolicyItemRow.title)))
    if _POLICY_TITLE not in titles:
        policy.publish_item(
            session, province, kind="policy", title=_POLICY_TITLE,
            title_en="Implementation opinions on building Jiangsu's product carbon footprint "
            "management system",
            summary="到2025年力争完成400个、到2030年完成1000个左右产品碳足迹核算；"
            "建设省级产品碳足迹公共服务平台。",
            body=_POLICY_BODY, source=_POLICY_SOURCE, published_on=date(2024, 2, 28),
        )  # fmt: skip
    for kind, title, title_en, summary, body, in_days, location in _ILLUSTRATIVE:
        if title not in titles:
            starts = today() + timedelta(days=in_days) if in_days is not None else None
            policy.publish_item(
                session, province, kind=kind, title=title, title_en=title_en, summary=summary,
                body=body, starts_on=starts, ends_on=starts, location=location,
                illustrative=True,
            )  # fmt: skip
    return DEMO_PROVIDER
