"""The advisor assistant: only a verified advisor token gets an answer."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal

import pytest

from actions import advisor
from tests.actions.conftest import (
    ADVISOR_ID,
    CUSTOMER_ID,
    FIXED_NOW,
    advisor_token,
    all_text,
    assessment_for,
    customer_token,
    expired_token,
    forged_token,
    make_tracker,
    run_action,
    seed,
    slot_sets,
)
from tests.fakes import make_customer, make_recommendation, make_ticket

OTHER_ID = "C000999"
ADVISOR_ACTIONS = [advisor.AdvisorCustomerSummary, advisor.AdvisorExplainRecommendation,
                   advisor.AdvisorCampaignList, advisor.AdvisorHandoffList]
REQUEST_SLOTS = {"customer_ref": CUSTOMER_ID, "product": "tech_thematic_fund", "campaign": "deposit_plus"}


@pytest.fixture(autouse=True)
def export_dir(tmp_path, monkeypatch):
    directory = tmp_path / "exports"
    monkeypatch.setenv("ADVISOR_EXPORT_DIR", str(directory))
    return directory


@pytest.fixture
def book(fake_uow):
    """Two customers, one with a C3 assessment and a recommendation, and handoff tickets."""
    alex = make_customer(CUSTOMER_ID, display_name="Alex Example", demand_balance=Decimal("20000.00"),
                         children_ages=(4, 9), mortgage_start=dt.date(2015, 1, 1))
    sam = make_customer(OTHER_ID, display_name="Sam Sample", demand_balance=Decimal("100.00"), holdings=(),
                        children_ages=(), mortgage_start=None, total_assets=Decimal("20000.00"))
    assessment = assessment_for("C3", assessment_id="A-1", days_ago=10,
                                answers={"kyc_horizon": "gt_10y", "kyc_goals": ["retirement"]})
    seed(fake_uow, alex, sam, assessment,
         make_recommendation("R-1", customer_id=CUSTOMER_ID, assessment_id="A-1",
                             created_at=FIXED_NOW - dt.timedelta(days=9)),
         make_ticket("H-OPEN-1", customer_id=CUSTOMER_ID, summary="risk level C3; asked about: faq",
                     created_at=FIXED_NOW - dt.timedelta(hours=3)),
         make_ticket("H-OPEN-2", customer_id=None, summary="asked about: ask_deposit_plus",
                     created_at=FIXED_NOW - dt.timedelta(hours=2)),
         make_ticket("H-CLOSED", status="closed", created_at=FIXED_NOW - dt.timedelta(hours=1)))
    return alex, sam


def ask(action_cls, token, **slots):
    return run_action(action_cls(), make_tracker(text="advisor request", token=token, slots=slots))


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("action_cls", ADVISOR_ACTIONS, ids=lambda c: c().name())
@pytest.mark.parametrize("who", ["customer", "anonymous", "forged_advisor", "expired_advisor",
                                 "customer_claiming_advisor"])
def test_anyone_but_a_verified_advisor_gets_the_same_refusal(action_cls, who, book, export_dir):
    token = {"customer": customer_token(), "anonymous": None,
             "forged_advisor": forged_token(ADVISOR_ID, "advisor"),
             "expired_advisor": expired_token(ADVISOR_ID, "advisor"),
             "customer_claiming_advisor": customer_token(ADVISOR_ID)}[who]
    metadata = {"role": "advisor"} if who == "customer_claiming_advisor" else None
    tracker = make_tracker(text=f"summary of {CUSTOMER_ID}", token=token, metadata=metadata, slots=REQUEST_SLOTS)
    events, dispatcher = run_action(action_cls(), tracker)

    assert events == []
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["text"] == advisor.REFUSAL
    assert not message.get("buttons")
    # It reveals nothing: no ids, names, amounts or counts.
    assert not re.search(r"\d", message["text"])
    assert CUSTOMER_ID not in message["text"] and "Alex" not in message["text"]
    assert not export_dir.exists() or not any(export_dir.iterdir())


def test_the_refusal_is_the_same_for_every_advisor_action(book):
    answers = {all_text(ask(cls, customer_token(), **REQUEST_SLOTS)[1]) for cls in ADVISOR_ACTIONS}
    answers |= {all_text(ask(cls, None, **REQUEST_SLOTS)[1]) for cls in ADVISOR_ACTIONS}
    assert answers == {advisor.REFUSAL}


# ------------------------------------------------------------------ customer summary


def test_customer_summary_shows_level_balances_holdings_and_last_recommendations(book):
    events, dispatcher = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref=CUSTOMER_ID)

    text = all_text(dispatcher)
    assert CUSTOMER_ID in text
    assert "age 45" in text  # born 15 June 1980; FIXED_NOW is 16 June 2025
    assert "Level C3" in text and "valid" in text
    assert "demand 20,000" in text and "investable 250,000" in text and "total 1,250,000.10" in text
    assert "FUND-BOND-01 10,000.01" in text and "DEP-12M 0.99" in text
    assert "retirement" in text  # goals
    assert "FUND-BOND-01 (R2)" in text  # the last recommendation
    assert slot_sets(events) == {"customer_ref": None}


def test_customer_summary_without_an_assessment(book):
    _, dispatcher = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref=OTHER_ID)

    text = all_text(dispatcher)
    assert "No risk assessment on record" in text
    assert "Holdings: none" in text
    assert "demand 100" in text


def test_customer_summary_for_an_unknown_customer(book):
    events, dispatcher = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref="C404404")

    assert "No customer C404404" in all_text(dispatcher)
    assert slot_sets(events) == {"customer_ref": None}


def test_customer_summary_asks_which_customer(book):
    events, dispatcher = ask(advisor.AdvisorCustomerSummary, advisor_token())

    assert events == []
    assert "Which customer" in all_text(dispatcher)


# ------------------------------------------------------------------ explanations


def test_explain_a_product_that_is_not_suitable_cites_the_rule(book):
    events, dispatcher = ask(advisor.AdvisorExplainRecommendation, advisor_token(), customer_ref=CUSTOMER_ID,
                             product="tech_thematic_fund")

    text = all_text(dispatcher)
    assert "tech_thematic_fund is not suitable for C000123" in text
    assert "above_level" in text
    assert "R5" in text and "C3" in text
    assert slot_sets(events) == {"customer_ref": None, "product": None}


def test_explain_a_product_that_is_suitable_gives_the_reasons(book):
    _, dispatcher = ask(advisor.AdvisorExplainRecommendation, advisor_token(), customer_ref=CUSTOMER_ID,
                        product="balanced_fund")

    text = all_text(dispatcher)
    assert "balanced_fund is suitable for C000123" in text
    assert "within your risk level C3" in text


def test_explain_for_a_customer_without_assessment_cites_no_assessment(book):
    _, dispatcher = ask(advisor.AdvisorExplainRecommendation, advisor_token(), customer_ref=OTHER_ID,
                        product="bond_fund")

    assert "is not suitable" in all_text(dispatcher)
    assert "no_assessment" in all_text(dispatcher)


def test_explain_an_unknown_product(book):
    events, dispatcher = ask(advisor.AdvisorExplainRecommendation, advisor_token(), customer_ref=CUSTOMER_ID,
                             product="magic_beans")

    assert "No product magic_beans" in all_text(dispatcher)
    assert slot_sets(events) == {"product": None}


def test_explain_asks_which_product(book):
    events, dispatcher = ask(advisor.AdvisorExplainRecommendation, advisor_token(), customer_ref=CUSTOMER_ID)

    assert events == []
    assert "Which product" in all_text(dispatcher)


# ------------------------------------------------------------------ campaigns


def test_campaign_list_gives_counts_and_a_csv(book, export_dir):
    events, dispatcher = ask(advisor.AdvisorCampaignList, advisor_token(), campaign="deposit_plus")

    text = all_text(dispatcher)
    assert "1 customers fit Deposit Plus." in text
    # The travel card and active wealth draw on the analytics book's (synthetic) behaviour fields.
    assert re.search(r"All campaigns: Deposit Plus: 1; Education plan: 1; Renovation instalment loan: 1; "
                     r"Travel rewards credit card: \d+; Active wealth \(premium wealth products\): \d+\.", text)
    path = export_dir / f"deposit_plus-{FIXED_NOW.date().isoformat()}.csv"
    assert str(path) in text
    assert path.exists()
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows[0] == ["customer_id", "tier", "demand_balance"]
    assert [r[0] for r in rows[1:]] == [CUSTOMER_ID]
    content = path.read_text(encoding="utf-8")
    assert "Alex" not in content and "Sam" not in content  # no personal names
    assert slot_sets(events) == {"campaign": None}


READABLE = {"deposit_plus": "Deposit Plus", "education_plan": "Education plan",
            "renovation_instalment": "Renovation instalment loan", "travel_card": "Travel rewards credit card",
            "active_wealth": "Active wealth (premium wealth products)"}


@pytest.mark.parametrize("asked", [None, "", "free_money", "travel", "C000123"])
def test_an_unknown_or_missing_campaign_gets_every_campaign_by_its_readable_name(book, export_dir, asked):
    events, dispatcher = ask(advisor.AdvisorCampaignList, advisor_token(), campaign=asked)

    text = all_text(dispatcher)
    assert text.startswith("Which campaign?" if not asked else "I don't have a campaign by that name.")
    assert text.endswith("I can list customers for: " + "; ".join(READABLE.values()) + ".")
    if asked:
        assert asked not in text  # whatever the NLU took for a campaign is not echoed
    assert slot_sets(events) == {"campaign": None}
    assert not export_dir.exists()


@pytest.fixture
def demo_book(fake_uow):
    """400 demo customers: every campaign lists someone (travel card 3, active wealth 1)."""
    from advisor_core.analytics.demo_book import generate_demo_book

    customers = generate_demo_book(400, today=FIXED_NOW.date())
    seed(fake_uow, *customers)
    return customers


def expected_ids(customers, campaign):
    """The campaign's customers computed directly from advisor_core, not through the chat."""
    from advisor_core.analytics.book import book_from_customers
    from advisor_core.analytics.campaigns import CAMPAIGNS, eligible_customers
    from advisor_core.analytics.cross_sell import campaign_lists

    today = FIXED_NOW.date()
    if campaign in CAMPAIGNS:
        return [c.customer_id for c in eligible_customers(customers, campaign, today)]
    return list(campaign_lists(book_from_customers(customers, today=today), today)[campaign]["customer_id"])


@pytest.mark.parametrize("campaign", list(READABLE))
def test_every_campaign_is_listed_from_the_chat(demo_book, export_dir, campaign):
    events, dispatcher = ask(advisor.AdvisorCampaignList, advisor_token(), campaign=campaign)

    text = all_text(dispatcher)
    want = expected_ids(demo_book, campaign)
    assert want, "the demo book lists someone for every campaign"
    assert text.startswith(f"{len(want)} customers fit {READABLE[campaign]}.")
    for name in READABLE.values():  # the counts of every campaign, by readable name
        assert re.search(rf"{re.escape(name)}: \d+", text)
    exported = sorted(export_dir.glob(f"*{campaign}-{FIXED_NOW.date().isoformat()}.csv"))
    assert len(exported) == 1 and str(exported[0]) in text
    rows = list(csv.DictReader(exported[0].open(encoding="utf-8")))
    assert [r["customer_id"] for r in rows] == want
    names = {c.display_name for c in demo_book}
    content = exported[0].read_text(encoding="utf-8")
    assert not any(name in content for name in names)  # pseudonymous ids, no names
    assert slot_sets(events) == {"campaign": None}


def test_travel_card_and_active_wealth_lists_carry_the_qualifying_fields_and_stay_within_level(demo_book,
                                                                                                export_dir):
    from advisor_core.adapters.datafiles import default_catalog

    catalog = default_catalog()
    for campaign, fields in (("travel_card", ["flights_a_year", "deposits", "credit_score"]),
                             ("active_wealth", ["monthly_transfers", "wealth_products"])):
        ask(advisor.AdvisorCampaignList, advisor_token(), campaign=campaign)
        path = export_dir / f"cross_sell_{campaign}-{FIXED_NOW.date().isoformat()}.csv"
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert list(rows[0]) == ["customer_id", "product_id", *fields]
        for row in rows:
            assert row["product_id"] in {"travel_card", "private_multi_asset", "balanced_fund"}
            if campaign == "active_wealth":
                assert catalog.get(row["product_id"])  # a catalog product, offered within the level gate


# ------------------------------------------------------------------ handoffs


def test_handoff_list_shows_the_open_tickets_oldest_first(book):
    events, dispatcher = ask(advisor.AdvisorHandoffList, advisor_token())

    text = all_text(dispatcher)
    assert events == []
    assert "2 open handoff tickets" in text
    assert text.index("H-OPEN-1") < text.index("H-OPEN-2")
    assert "H-CLOSED" not in text
    assert "customer guest" in text  # the anonymous ticket
    assert "asked about: ask_deposit_plus" in text


def test_handoff_list_without_tickets():
    _, dispatcher = ask(advisor.AdvisorHandoffList, advisor_token())

    assert "No open handoff tickets" in all_text(dispatcher)


def test_customer_summary_gives_the_lifecycle_stage_and_segment_in_a_real_sized_book(fake_uow):
    from advisor_core.analytics.demo_book import generate_demo_book
    from advisor_core.analytics.rules import STAGES

    customers = generate_demo_book(60, today=FIXED_NOW.date())
    seed(fake_uow, *customers)
    target = customers[7].customer_id
    _, dispatcher = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref=target)

    text = all_text(dispatcher)
    stage = re.search(r"Lifecycle stage: (\w[\w ]*), estimated lifetime value [\d,]+; next best action: ", text)
    assert stage and stage.group(1) in STAGES, text
    assert re.search(r"Look-alike segment \d+: ", text)


def test_a_book_too_small_for_segments_gives_the_summary_without_them(book):
    _, dispatcher = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref=CUSTOMER_ID)
    assert "Level C3" in all_text(dispatcher) and "Look-alike segment" not in all_text(dispatcher)


@pytest.mark.parametrize("campaign", list(READABLE))
def test_an_advisor_working_in_chinese_gets_the_export_headed_in_chinese(demo_book, export_dir, campaign):
    from advisor_core.services.advisor import EXPORT_COLUMNS

    ask(advisor.AdvisorCampaignList, advisor_token(), campaign=campaign, language="zh-CN")
    [path] = sorted(export_dir.glob(f"*{campaign}-{FIXED_NOW.date().isoformat()}.csv"))

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel on a Chinese Windows needs the BOM
    header, *rows = list(csv.reader(path.open(encoding="utf-8-sig")))
    assert header[0] == "客户编号（假名化）"
    assert not set(header) & set(EXPORT_COLUMNS)  # every column headed in Chinese
    assert [r[0] for r in rows] == expected_ids(demo_book, campaign)  # the same rows as in English


def test_the_english_export_keeps_the_column_ids_without_a_byte_order_mark(demo_book, export_dir):
    ask(advisor.AdvisorCampaignList, advisor_token(), campaign="renovation_instalment", language="en")
    path = export_dir / f"renovation_instalment-{FIXED_NOW.date().isoformat()}.csv"

    assert path.read_bytes().startswith(b"customer_id,tier,mortgage_start")


def test_an_advisor_working_in_chinese_reads_the_stage_and_next_action_in_chinese(fake_uow):
    from advisor_core.analytics.demo_book import generate_demo_book

    customers = generate_demo_book(60, today=FIXED_NOW.date())
    seed(fake_uow, *customers)
    _, dispatcher = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref=customers[7].customer_id,
                        language="zh-CN")

    found = re.search(r"生命周期阶段：(\S+?)，预估客户终身价值.+?；下一步最佳行动：(\S+?)[（。]", all_text(dispatcher))
    assert found, all_text(dispatcher)
    assert re.fullmatch(r"[\u4e00-\u9fffA-Za-z]+", found.group(1)) and "_" not in found.group(2)


def test_every_stage_and_next_best_action_has_a_text_in_every_language():
    from advisor_core.adapters.datafiles import default_catalog
    from advisor_core.analytics.book import book_from_customers
    from advisor_core.analytics.demo_book import generate_demo_book
    from advisor_core.analytics.lifecycle import NEXT_BEST_ACTIONS, lifecycle_frame
    from advisor_core.analytics.rules import STAGES, default_rules
    from advisor_core.domain.texts import default_texts

    today = FIXED_NOW.date()
    frame = lifecycle_frame(book_from_customers(generate_demo_book(400, today=today), today=today), today,
                            default_catalog(), default_rules())
    assert set(frame["next_best_action"]) <= set(NEXT_BEST_ACTIONS)
    for language in ("en", "zh-CN"):
        texts = default_texts(language)
        assert all(texts.has(f"stage.{s}") for s in STAGES)
        assert all(texts.has(f"next_action.{a}") for a in NEXT_BEST_ACTIONS)


def test_an_advisor_working_in_chinese_reads_the_segment_rule_in_chinese(fake_uow):
    from advisor_core.analytics.demo_book import generate_demo_book

    customers = generate_demo_book(60, today=FIXED_NOW.date())
    seed(fake_uow, *customers)
    ref = customers[7].customer_id
    _, english = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref=ref)
    _, chinese = ask(advisor.AdvisorCustomerSummary, advisor_token(), customer_ref=ref, language="zh-CN")

    en_rule = re.search(r"Look-alike segment (\d+): (.+?)\.(?:\n|$)", all_text(english))
    zh_rule = re.search(r"相似客群(\d+)：(.+?)。", all_text(chinese))
    assert en_rule and zh_rule, (all_text(english), all_text(chinese))
    assert en_rule.group(1) == zh_rule.group(1)              # the same segment, worded per language
    assert re.search(r"[a-z]+ (>|<=) [\d,.]+", en_rule.group(2))
    assert not re.search(r"[A-Za-z_]", zh_rule.group(2)), zh_rule.group(2)   # no feature ids, no "and"
    assert re.search(r"(高于|不超过)", zh_rule.group(2))


def test_segment_rules_are_worded_from_their_conditions():
    from advisor_core.analytics.segments import Bound
    from advisor_core.domain.texts import default_texts

    rule = (Bound("monthly_transfers", 3.5, None), Bound("deposits", None, 50000.0))
    assert advisor.segment_rule_words(rule, default_texts("en")) == "monthly transfers > 3.5 and deposits <= 50,000"
    assert advisor.segment_rule_words(rule, default_texts("zh-CN")) == "月转账笔数高于3.5且存款不超过5万元"
    assert advisor.segment_rule_words((), default_texts("zh-CN")) == "所有客户"
