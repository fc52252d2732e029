"""A customer who types Simplified Chinese, against the real Rasa and action servers.

What is bilingual (see docs/conversation-contract.md, "Language"): understanding, typed answers,
the language slot, every domain response and every text the actions compose, so a Chinese
conversation gets its questions, its level and its recommendations in Chinese.
"""

from __future__ import annotations

import re
import uuid

import pytest

from advisor_core.adapters.datafiles import default_questionnaire
from advisor_core.domain.scoring import score
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e

CJK = re.compile(r"[\u4e00-\u9fff]")

# Every questionnaire answer typed in everyday Chinese, with the option each one states.
TYPED = [
    ("kyc_income_source", "我和老公都有稳定工作", "two_incomes_or_business"),
    ("kyc_investable_assets", "差不多三十万", "100k_500k"),
    ("kyc_asset_share", "大概两成", "10_30"),
    ("kyc_liquidity_reserve", "存了四个月的生活费 只有房贷", "3_6m_mortgage_only"),
    ("kyc_age", "我今年四十二岁", 42),
    ("kyc_experience", "债券基金拿了好几年了", "fixed_income"),
    ("kyc_trade_frequency", "一年两三次", "1_5"),
    ("kyc_knowledge_bonds", "利率上升债券价格会下跌", "falls"),
    ("kyc_knowledge_diversification", "单只股票风险更大", "one_stock"),
    ("kyc_horizon", "十五年左右", "gt_10y"),
    ("kyc_objective", "想要稳定收益 能接受一点风险", "income"),
    ("kyc_loss_tolerance", "亏百分之十还能接受", "le_15"),
    ("kyc_drawdown_reaction", "拿着不动 等它涨回来", "hold"),
    ("kyc_return_tradeoff", "一半一半", "half"),
    ("kyc_goals", "为退休做准备", ["retirement"]),
]


def test_a_conversation_typed_in_chinese_reaches_the_level_and_a_recommendation(stack: Stack) -> None:
    expected = score(default_questionnaire(), {slot: value for slot, _, value in TYPED})
    sender = f"e2e-zh-{uuid.uuid4().hex}"

    stack.say(sender, "你好")
    assert stack.tracker(sender)["slots"]["language"] == "zh-CN"
    reply = stack.type_questionnaire(sender, "我想做一下风险测评", TYPED, language="zh-CN")
    assert f"您的风险承受能力等级为{expected.level.name}" in reply

    recommendation = stack.say(sender, "那我适合买什么产品")
    assert any(m.get("buttons") for m in recommendation) or "R" in " ".join(m.get("text", "") for m in recommendation)
    assert CJK.search(" ".join(m.get("text", "") for m in recommendation))
    assert stack.tracker(sender)["latest_action_name"] != "action_rephrase_or_handoff"
    assert [e for e in stack.tracker(sender)["events"]
            if e.get("event") == "action" and e.get("name") == "action_recommend_products"]


def test_domain_replies_follow_the_conversation_language(stack: Stack) -> None:
    sender = f"e2e-zh-{uuid.uuid4().hex}"
    answer = stack.texts(sender, "基金定投到底是啥意思")
    assert CJK.search(answer), answer
    assert stack.tracker(sender)["slots"]["language"] == "zh-CN"

    switched = stack.texts(sender, "English please")
    assert "English" in switched and not CJK.search(switched)
    assert stack.tracker(sender)["slots"]["language"] == "en"
    # "ok" in Latin letters does not decide anything; a question in English gets English
    assert not CJK.search(stack.texts(sender, "what is a money market fund?"))


def test_the_client_can_say_the_language(stack: Stack) -> None:
    sender = f"e2e-zh-{uuid.uuid4().hex}"
    stack.say(sender, "are you a robot?", metadata={"language": "zh-CN"})
    assert stack.tracker(sender)["slots"]["language"] == "zh-CN"
    assert CJK.search(stack.texts(sender, "thanks", metadata={"language": "zh-CN"}))


def test_a_signed_in_customers_language_is_kept_for_the_next_visit(stack: Stack) -> None:
    from tests.e2e.conftest import customer_token

    customer = f"E2E-LANG-{uuid.uuid4().hex[:8]}"
    first = f"e2e-zh-{uuid.uuid4().hex}"
    stack.say(first, "hello", metadata={"auth_token": customer_token(customer)})
    switched = stack.texts(first, "请说中文", metadata={"auth_token": customer_token(customer)})
    assert CJK.search(switched), switched

    # another device: a new conversation, the same customer, an English-looking first message
    later = f"e2e-zh-{uuid.uuid4().hex}"
    reply = stack.texts(later, "hi", metadata={"auth_token": customer_token(customer)})
    assert CJK.search(reply), reply
    assert stack.tracker(later)["slots"]["language"] == "zh-CN"

    # a guest on that device starts in English: nothing is read without a verified token
    guest = f"e2e-zh-{uuid.uuid4().hex}"
    assert not CJK.search(stack.texts(guest, "hi"))
