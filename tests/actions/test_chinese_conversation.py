"""A conversation in Simplified Chinese (issue 11): with the slot ``language`` = ``zh-CN`` every text
the actions compose is Chinese, buttons keep their payloads, money and dates read as a Chinese
reader expects, and the records keep the language and the text as shown. English is unchanged."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from actions import advisor, follow_up, kyc, plans, products, support
from advisor_core.adapters.datafiles import default_catalog, default_questionnaire
from tests.actions.conftest import (
    CUSTOMER_ID,
    FULL_ANSWERS,
    SENDER,
    action_event,
    advisor_token,
    all_buttons,
    all_text,
    assessment_for,
    bot_event,
    customer_token,
    form_tracker,
    make_tracker,
    payloads,
    run_action,
    seed,
    slot_event,
    stored,
    texts,
)
from tests.fakes import make_customer

ZH = {"language": "zh-CN"}
Q = default_questionnaire()
CATALOG = default_catalog()
ASK = {cls().name(): cls for cls in kyc.ASK_ACTIONS}
HAN = re.compile(r"[\u4e00-\u9fff]")
# English words that must not appear in a Chinese reply (product codes like R3, C2 or CSI are fine)
ENGLISH_WORDS = re.compile(r"\b(the|your|you|and|of|a|is|to|at|in|for|with|not)\b", re.IGNORECASE)


def chinese(text: str) -> bool:
    return bool(HAN.search(text)) and not ENGLISH_WORDS.search(text)


def customer(**overrides):
    values = dict(demand_balance=Decimal("80000.00"), holdings=())
    values.update(overrides)
    return make_customer(CUSTOMER_ID, **values)


# ------------------------------------------------------------------ the questionnaire


@pytest.mark.parametrize("slot", [s for s in Q.slots])
def test_every_question_is_asked_in_chinese_with_chinese_buttons_and_the_same_payloads(slot):
    _, zh = run_action(ASK[f"action_ask_{slot}"](), make_tracker(slots=ZH))
    _, en = run_action(ASK[f"action_ask_{slot}"](), make_tracker())

    [message] = zh.messages
    position = Q.slots.index(slot) + 1
    assert message["text"].startswith(f"第{position}题（共15题）：")
    assert chinese(message["text"])
    assert payloads(zh) == payloads(en)   # the same /inform{"option": ...} in both languages
    for button in all_buttons(zh):
        assert HAN.search(button["title"]), button
    assert [b["title"] for b in all_buttons(zh)] != [b["title"] for b in all_buttons(en)] or not all_buttons(en)


def test_the_first_question_in_both_languages():
    _, zh = run_action(ASK["action_ask_kyc_income_source"](), make_tracker(slots=ZH))
    _, en = run_action(ASK["action_ask_kyc_income_source"](), make_tracker())

    assert texts(zh) == ["第1题（共15题）：您的主要收入来源是什么？"]
    assert [b["title"] for b in all_buttons(zh)] == [
        "无收入，或收入低于最低生活保障标准", "仅有养老金", "一份稳定的工资收入", "两份稳定收入，或经营收入加投资收益"]
    assert texts(en) == ["Question 1 of 15: What is your main source of income?"]   # unchanged
    assert [b["title"] for b in all_buttons(en)][:2] == ["No income, or below the minimum living standard",
                                                          "A pension only"]
    assert payloads(zh)[0] == "/inform" + json.dumps({"option": "none"})


def test_unknown_or_empty_language_is_english():
    for slots in ({"language": None}, {"language": "fr"}, {}):
        _, dispatcher = run_action(ASK["action_ask_kyc_horizon"](), make_tracker(slots=slots))
        assert texts(dispatcher) == ["Question 10 of 15: When will you need most of this money?"]


def test_the_consistency_recheck_is_in_chinese():
    _, dispatcher = run_action(ASK["action_ask_kyc_loss_tolerance_recheck"](), make_tracker(slots=ZH))
    text = all_text(dispatcher)
    assert text.startswith("在结束之前") and text.endswith("这笔资金，您最多能承受多大的亏损？")
    assert "不能承受任何亏损" in [b["title"] for b in all_buttons(dispatcher)]


def test_the_introduction_is_in_chinese():
    _, dispatcher = run_action(kyc.PrepareAssessment(), make_tracker(slots=ZH, intent="start_risk_assessment"))
    assert all_text(dispatcher).startswith("我们来评估一下您的风险承受能力等级。共15道")


def _validate(slot, value, *, text=None, slots=None):
    return run_action(kyc.ValidateKycForm(),
                      form_tracker("kyc_form", slot, value, text=text, slots={**ZH, **(slots or {})}))


def test_an_ambiguous_answer_is_asked_back_in_chinese():
    events, dispatcher = _validate("kyc_horizon", "三年以内", text="三年以内")
    assert all_text(dispatcher) == "为了确认我没有理解错：您指的是“1年以内”还是“1至3年”？"
    assert payloads(dispatcher) == ['/inform{"option": "lt_1y"}', '/inform{"option": "1_3y"}']


def test_a_rejected_answer_is_re_prompted_in_chinese_and_explained_the_second_time():
    _, first = _validate("kyc_age", "不告诉你", text="不告诉你")
    assert all_text(first) == "抱歉，这个回答我没法采用。请用数字告诉我您的周岁年龄，例如：42。"
    _, second = _validate("kyc_horizon", "香蕉", text="香蕉", slots={"kyc_failed_attempts": 1})
    text = all_text(second)
    assert text.startswith("我还是没能把您的回答对应到选项上。我们问这道题的原因是：近期就要用的钱")
    assert "停止" in text


def test_under_18_is_told_in_chinese():
    _, dispatcher = _validate("kyc_age", "16", text="我16岁")
    assert all_text(dispatcher).startswith("感谢您如实告知。风险测评仅面向年满18周岁的客户")


def test_the_result_is_in_chinese_and_the_assessment_records_the_language(fake_uow):
    events, dispatcher = run_action(kyc.ScoreAssessment(), make_tracker(slots={**FULL_ANSWERS, **ZH}))

    text = all_text(dispatcher)
    assert text.startswith("您的风险承受能力等级为C2。谨慎型")
    assert "您的得分为54分（满分100分）" in text
    assert "这笔资金大部分在一年内就要使用" in text   # the short-horizon cap, in words
    assert chinese(text)
    assert [b["title"] for b in all_buttons(dispatcher)] == ["查看适合我的产品", "规划子女教育金"]
    assert payloads(dispatcher) == ["/ask_recommendation", "/plan_education_fund"]
    [record] = stored(fake_uow)["assessments"]
    assert record.language == "zh-CN"
    assert record.caps[0].explanation in text


def test_a_chinese_assessment_is_explained_again_in_english(fake_uow):
    """The caps are recorded as shown (Chinese) and written again from their codes in English."""
    run_action(kyc.ScoreAssessment(), make_tracker(slots={**FULL_ANSWERS, **ZH}))
    _, dispatcher = run_action(products.TellRiskLevel(), make_tracker(intent="ask_risk_level"))
    text = all_text(dispatcher)
    assert "Your risk level is C2" in text
    assert "You need most of this money within a year" in text and not HAN.search(text)


def test_the_contradiction_cap_names_the_counted_answer_in_chinese(fake_uow):
    answers = dict(FULL_ANSWERS, kyc_horizon="gt_10y", kyc_loss_tolerance="le_5",
                   kyc_loss_tolerance_recheck="le_5", kyc_objective="aggressive_growth")
    run_action(kyc.ScoreAssessment(), make_tracker(slots={**answers, **ZH}))
    [record] = stored(fake_uow)["assessments"]
    [cap] = [c for c in record.caps if c.code == "inconsistent_answers"]
    assert "“获得稳定收益，可承担一定风险”" in cap.explanation
    _, dispatcher = run_action(follow_up.AnswerFollowUp(), make_tracker(intent="ask_why"))
    assert '"Steady income, accepting some risk"' in all_text(dispatcher)


# ------------------------------------------------------------------ level, recommendations, requests


def test_the_risk_level_and_its_date_in_chinese(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3", days_ago=30))
    _, dispatcher = run_action(products.TellRiskLevel(),
                               make_tracker(slots=ZH, intent="ask_risk_level", token=customer_token()))
    text = all_text(dispatcher)
    assert text.startswith("您的风险承受能力等级为C3，测评日期为2025年5月17日。稳健型")
    assert [b["title"] for b in all_buttons(dispatcher)] == ["查看适合我的产品", "重新测评"]


def test_no_assessment_in_chinese():
    _, dispatcher = run_action(products.RecommendProducts(), make_tracker(slots=ZH, intent="ask_recommendation"))
    assert all_text(dispatcher).startswith("只有先了解您的风险承受能力等级")
    assert [b["title"] for b in all_buttons(dispatcher)] == ["开始风险测评"]


def test_recommendations_and_their_reasons_are_chinese_and_recorded_as_shown(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    _, dispatcher = run_action(products.RecommendProducts(),
                               make_tracker(slots=ZH, intent="ask_recommendation", token=customer_token()))

    text = all_text(dispatcher)
    assert text.startswith("根据您的风险承受能力等级C3，以下产品与您相匹配（按匹配程度排序）：")
    assert "1. 存款Plus智能存款（R1）- " in text
    assert "您的活期账户余额超过5,000元" in text
    assert "符合您的理财目标：财富增值。" in text
    assert "参考年化收益" in text and "不保证收益" in text
    assert chinese(text)
    [record] = stored(fake_uow)["recommendations"]
    assert record.language == "zh-CN"
    assert record.shown_text == text
    assert all(HAN.search(reason) for item in record.items for reason in item.reasons)


def test_english_recommendations_are_recorded_in_english(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    _, dispatcher = run_action(products.RecommendProducts(),
                               make_tracker(intent="ask_recommendation", token=customer_token()))
    text = all_text(dispatcher)
    assert text.startswith("Based on your risk level C3, these suit you (best first):\n"
                           "1. Deposit Plus smart deposit (R1)")
    [record] = stored(fake_uow)["recommendations"]
    assert (record.language, record.shown_text) == ("en", text)


def test_a_warning_and_its_confirmation_are_recorded_in_chinese_as_shown(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    _, warned = run_action(products.RequestProduct(),
                           make_tracker(slots={**ZH, "product": "tech_thematic_fund"}, text="我要买新能源基金",
                                        intent="request_product", token=customer_token()))
    shown = all_text(warned)
    assert shown.startswith("风险提示：新能源与科技主题基金的产品风险等级为R5，高于您的风险承受能力等级C3")
    assert shown.endswith("请问您是否确认已了解上述风险，并仍要购买？")
    assert [b["title"] for b in all_buttons(warned)] == ["是，我确认", "不用了，谢谢"]
    assert payloads(warned) == ["/affirm", "/deny"]

    _, confirmed = run_action(products.ConfirmProductRequest(),
                              make_tracker(slots={**ZH, "pending_product": "tech_thematic_fund"}, text="确认购买",
                                           intent="affirm", token=customer_token()))
    assert all_text(confirmed).startswith("您的确认已与风险提示一并记录。新能源与科技主题基金并非我们向您推荐的产品")
    warning, confirmation = stored(fake_uow)["suitability_events"]
    assert (warning.kind, warning.language, warning.text) == ("warning", "zh-CN", shown)
    assert (confirmation.kind, confirmation.language, confirmation.text) == ("confirmation", "zh-CN", shown)
    assert (warning.customer_text, confirmation.customer_text) == ("我要买新能源基金", "确认购买")


def test_a_refusal_is_recorded_in_chinese_as_shown(fake_uow):
    seed(fake_uow, customer(), assessment_for("C1", lowest=True))
    _, dispatcher = run_action(products.RequestProduct(),
                               make_tracker(slots={**ZH, "product": "bond_fund"}, intent="request_product",
                                            token=customer_token()))
    [refusal] = stored(fake_uow)["suitability_events"]
    assert (refusal.kind, refusal.language) == ("refusal", "zh-CN")
    assert refusal.text == all_text(dispatcher)
    assert "风险承受能力最低类别" in refusal.text


def test_a_product_within_the_level_is_described_in_chinese(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    _, dispatcher = run_action(products.RequestProduct(),
                               make_tracker(slots={**ZH, "product": "bond_fund"}, intent="request_product",
                                            token=customer_token()))
    text = all_text(dispatcher)
    assert text.startswith("稳健债券基金的产品风险等级为R2，在您的风险承受能力等级C3范围内。投资于国债")
    assert "收益：参考年化收益-1.5%至4.5%，不保证收益。" in text


# ------------------------------------------------------------------ calculators


def test_deposit_plus_in_chinese_with_amounts_in_yuan(fake_uow):
    seed(fake_uow, customer(demand_balance=Decimal("50000.00")))
    _, dispatcher = run_action(products.ExplainDepositPlus(),
                               make_tracker(slots=ZH, intent="ask_deposit_plus", token=customer_token()))
    explain, balance = texts(dispatcher)
    assert explain.startswith("存款Plus智能存款：这是存款，不是投资。")
    assert "最高50万元" in explain and "超过5,000元的闲置资金" in explain
    assert balance.startswith("您的活期账户余额为5万元。12个月内")


def test_the_education_plan_in_chinese():
    _, dispatcher = run_action(plans.ShowEducationPlan(),
                               make_tracker(slots={**ZH, "child_age": "3", "monthly_contribution": "500"}))
    plan, note = texts(dispatcher)
    assert plan.splitlines() == [
        "每月存500元，连续15年，直到孩子18岁，累计投入9万元。模拟结果：",
        "- 年化收益率2%：约104,857元",
        "- 年化收益率4%：约123,045元",
        "- 年化收益率6%：约145,409元",
        "以上数据为模拟测算，不代表收益保证：实际收益会有波动，计划的价值可能上涨，也可能下跌。",
    ]
    assert note.startswith("我行的教育金计划有债券为主（R2）和股债平衡（R3）两个版本")


def test_the_education_plan_in_english_is_unchanged():
    _, dispatcher = run_action(plans.ShowEducationPlan(),
                               make_tracker(slots={"child_age": "3", "monthly_contribution": "500"}))
    assert texts(dispatcher)[0].splitlines()[:2] == [
        "Saving 500 a month for 15 years, until your child turns 18, you pay in 90,000. Simulated outcomes:",
        "- at 2% a year: about 104,857"]


def test_a_target_plan_and_the_plan_questions_in_chinese():
    _, dispatcher = run_action(plans.ShowEducationPlan(),
                               make_tracker(slots={**ZH, "child_age": "3", "target_amount": "200000"}))
    assert texts(dispatcher)[0].startswith("要在15年内（共180期月供）攒到20万元")
    _, asked = run_action(plans.AskChildAge(), make_tracker(slots=ZH))
    assert texts(asked) == ["您的孩子现在几岁？（请填写周岁，例如：3）"]
    _, reprompt = run_action(plans.ValidateEducationPlanForm(),
                             form_tracker("education_plan_form", "child_age", "很小", slots=ZH))
    assert texts(reprompt) == ["请用0到17之间的整数告诉我孩子的年龄，例如：3。"]


def test_a_what_if_after_the_plan_in_chinese():
    history = [slot_event("child_age", "3"), slot_event("monthly_contribution", "500"),
               action_event("action_show_education_plan"), bot_event("...")]
    _, dispatcher = run_action(follow_up.AnswerFollowUp(),
                               make_tracker(slots=ZH, text="按3%算呢", intent="what_if", before=history))
    assert all_text(dispatcher).startswith("按年化收益率3%计算，每月存500元，直到孩子18岁（共180期），最终约为")


def test_a_plain_yes_to_a_chinese_question(fake_uow):
    """A Chinese yes/no question ends in a full-width question mark; a plain yes presses its first button."""
    _, asked = run_action(products.RecommendProducts(), make_tracker(slots=ZH, intent="ask_recommendation"))
    question = {"event": "bot", "timestamp": None, "text": asked.messages[0]["text"],
                "data": {"buttons": asked.messages[0]["buttons"]}, "metadata": {}}
    events, _ = run_action(follow_up.AnswerYesNo(), make_tracker(slots=ZH, text="好的", intent="affirm",
                                                                 before=[question]))
    assert events == [{"event": "followup", "timestamp": None, "name": "action_prepare_assessment"}]


# ------------------------------------------------------------------ greeting, handoff, advisor tools


def test_greeting_and_menu_in_chinese(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3", days_ago=30))
    _, dispatcher = run_action(support.Greet(), make_tracker(slots=ZH, token=customer_token()))
    assert all_text(dispatcher).startswith("欢迎回来！您最近一次的风险承受能力等级为C3，测评日期为2025年5月17日。")
    assert [b["title"] for b in all_buttons(dispatcher)] == ["测评我的风险等级", "规划子女教育金", "闲置资金：存款Plus",
                                                             "转人工服务"]


def test_handoff_in_chinese_tells_the_advisor_the_language(fake_uow):
    _, dispatcher = run_action(support.RequestHuman(), make_tracker(slots=ZH, intent="request_human"))
    [ticket] = stored(fake_uow)["handoffs"]
    assert all_text(dispatcher).startswith(f"我已请人工理财顾问接手，您的受理编号是{ticket.ticket_id}。")
    assert "language zh-CN" in ticket.summary


def test_advisor_tools_in_chinese(fake_uow):
    seed(fake_uow, customer(), assessment_for("C3"))
    _, refused = run_action(advisor.AdvisorHandoffList(), make_tracker(slots=ZH, token=customer_token()))
    assert texts(refused) == ["抱歉，该功能仅向本行理财顾问开放。"]
    _, summary = run_action(advisor.AdvisorCustomerSummary(),
                            make_tracker(slots={**ZH, "customer_ref": CUSTOMER_ID}, token=advisor_token()))
    text = all_text(summary)
    assert text.startswith(f"客户{CUSTOMER_ID}，") and "余额：活期8万元" in text
    _, explained = run_action(advisor.AdvisorExplainRecommendation(),
                              make_tracker(slots={**ZH, "customer_ref": CUSTOMER_ID, "product": "index_fund"},
                                           token=advisor_token()))
    assert all_text(explained).startswith("index_fund不适合客户C000123。"
                                          "不适合（above_level）：产品风险等级为R4，高于客户等级C3")


def test_the_apology_follows_the_language(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(products, "recommend_and_record", broken)
    _, dispatcher = run_action(products.RecommendProducts(), make_tracker(slots=ZH, sender_id=SENDER))
    assert all_text(dispatcher).startswith("抱歉，系统出了点问题")
