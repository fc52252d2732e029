"""Risk level, recommendations, products asked for by name, and deposit-plus."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import AdvisorAction, DomainDict, Events, blocking, buttons, channel_of, identify
from actions.wiring import Services
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.products import ProductType
from advisor_core.domain.suitability import RequestOutcome
from advisor_core.errors import (
    AssessmentRequiredError,
    ConfirmationWithoutWarningError,
    PersistenceError,
    UnknownProductError,
)
from advisor_core.services.assessments import current_assessment
from advisor_core.services.offers import record_offer_response, record_offers_shown
from advisor_core.services.recommendations import (
    confirm_product,
    deposit_plus_offer,
    money,
    recommend_and_record,
    request_product,
)

OFFER_QUESTIONNAIRE = buttons(("Take the risk questionnaire", "/start_risk_assessment"))
logger = logging.getLogger(__name__)


async def record_offer_event(record: Callable[..., Any], svc: Any, tracker: Any, **kwargs: Any) -> None:
    """Keep what was shown, clicked or accepted for the label check and the funnel (advisor_core's
    offer events). A failed record never holds up or changes the customer's reply: whatever it
    raises is logged (its class only) and dropped, so the action still returns its slot events."""
    try:
        await blocking(record, svc.uow_factory(), svc.catalog, conversation_id=tracker.sender_id,
                       channel=channel_of(tracker), now=svc.clock(), **kwargs)
    except (ValueError, PersistenceError) as exc:  # refused by the service's checks, or not stored
        logger.warning("offer event not recorded: %s", type(exc).__name__)
    except Exception as exc:  # noqa: BLE001 - anything else: only analytics, never worth the customer's answer
        logger.error("offer event not recorded, unexpected %s", type(exc).__name__)


async def record_acceptance(svc: Any, tracker: Any, *, customer_id: str | None, product_id: str,
                            level: RiskLevel) -> None:
    """The customer said they want ``product_id`` and the assistant passed it on for an advisor or
    the app to complete: an "accepted" offer event, if the product was shown in this conversation
    (it then carries the persona and arm it was shown under); nothing otherwise."""
    await record_offer_event(record_offer_response, svc, tracker, kind="accepted", customer_id=customer_id,
                             product_id=product_id, level=level)


def _no_assessment_text(reason: str | None) -> str:
    why = f" ({reason})" if reason else ""
    return ("I can only suggest investment products once we know your risk level, and I don't have a "
            f"valid assessment for you{why}. The questionnaire takes about five minutes - shall we do it now?")


class TellRiskLevel(AdvisorAction):
    def name(self) -> str:
        return "action_tell_risk_level"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        who = identify(tracker)
        current = await blocking(current_assessment, svc.uow_factory(), customer_id=who.customer_id,
                                 conversation_id=tracker.sender_id, now=svc.clock())
        if current is None or not current.valid:
            reason = current.validity.reason if current else None
            dispatcher.utter_message(
                text=("Customers are placed in one of five risk levels, C1 (most careful) to C5 (most "
                      "adventurous), and products are rated R1 to R5; a customer at level Cn may be "
                      "recommended products up to Rn. " + _no_assessment_text(reason)),
                buttons=OFFER_QUESTIONNAIRE)
            return []
        record = current.record
        level = RiskLevel.parse(record.level)
        lines = [f"Your risk level is {level.name}, assessed on {record.created_at:%d %B %Y}. "
                 f"{svc.questionnaire.meaning_of(level)}"]
        if record.caps:
            lines.append("It was limited by: " + " ".join(c.explanation for c in record.caps))
        dispatcher.utter_message(text="\n".join(lines),
                                 buttons=buttons(("Show suitable products", "/ask_recommendation"),
                                                 ("Retake the questionnaire", "/start_risk_assessment")))
        return [SlotSet("risk_level", level.name), SlotSet("risk_score", float(record.total_score)),
                SlotSet("lowest_category", record.lowest_category)]


class RecommendProducts(AdvisorAction):
    def name(self) -> str:
        return "action_recommend_products"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        who = identify(tracker)
        # label_check: a customer with a persona label may see their label-check arm's product (both
        # arms are always within their level); the shown events say which persona and arm.
        outcome = await blocking(recommend_and_record, svc.uow_factory(), svc.catalog,
                                 customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                 now=svc.clock(), label_check=True)
        if outcome.assessment is None or not outcome.has_valid_assessment:
            reason = outcome.assessment.validity.reason if outcome.assessment else None
            dispatcher.utter_message(text=_no_assessment_text(reason), buttons=OFFER_QUESTIONNAIRE)
            if outcome.recommendations:
                names = ", ".join(r.product.name for r in outcome.recommendations)
                dispatcher.utter_message(text=f"Meanwhile, without any investment risk: {names}. "
                                              "Ask me about deposit-plus to learn more.")
                await record_offer_event(record_offers_shown, svc, tracker, customer_id=who.customer_id,
                                         product_ids=[r.product.id for r in outcome.recommendations], level=None)
            return []
        level = outcome.assessment.record.level
        if not outcome.recommendations:
            dispatcher.utter_message(text=f"At level {level} I have nothing suitable to suggest right now; "
                                          "an advisor can look at your situation with you.")
            return []
        investments = [r for r in outcome.recommendations if r.product.type is not ProductType.LOAN]
        offers = [r for r in outcome.recommendations if r.product.type is ProductType.LOAN]
        lines = [f"Based on your risk level {level}, these suit you (best first):"]
        for n, rec in enumerate(investments, start=1):
            lines.append(f"{n}. {rec.product.name} ({rec.product.risk_rating.name}) - " + " ".join(rec.reasons))
        lines.append("Past performance and the ranges shown are illustrations, not promises. "
                     "Ask me about any of them, or say \"talk to a person\" to speak with an advisor.")
        dispatcher.utter_message(text="\n".join(lines))
        for offer in offers:
            reasons = " ".join(offer.reasons)
            dispatcher.utter_message(text=f"You may also qualify for the {offer.product.name}. {reasons}")
        await record_offer_event(record_offers_shown, svc, tracker, customer_id=who.customer_id,
                                 product_ids=[r.product.id for r in outcome.recommendations],
                                 level=RiskLevel.parse(level), label=outcome.label)
        return []


class RequestProduct(AdvisorAction):
    def name(self) -> str:
        return "action_request_product"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        product_id = tracker.get_slot("product")
        if not product_id or product_id not in svc.catalog:
            dispatcher.utter_message(text="Which product do you mean? You can ask me for suitable products "
                                          "and I'll list them.")
            return [SlotSet("product", None)]
        who = identify(tracker)
        request_text = (tracker.latest_message or {}).get("text") or None
        try:
            result = await blocking(request_product, svc.uow_factory(), svc.catalog, product_id=product_id,
                                    customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                    now=svc.clock(), request_text=request_text)
        except AssessmentRequiredError as exc:
            dispatcher.utter_message(text=_no_assessment_text(exc.args[0] if exc.args else None),
                                     buttons=OFFER_QUESTIONNAIRE)
            return [SlotSet("product", None)]
        decision = result.decision
        product = decision.product
        if decision.outcome is RequestOutcome.NEEDS_CONFIRMATION:
            dispatcher.utter_message(text=decision.message + " Do you confirm that you understand this risk "
                                                             "and still want it?",
                                     buttons=buttons(("Yes, I confirm", "/affirm"), ("No, thanks", "/deny")))
            return [SlotSet("pending_product", product.id)]
        if decision.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW and result.ticket is not None:
            follow_up = ("An advisor will reply in this chat" if who.customer_id else
                         "As you're not signed in, please sign in to the app or visit a branch and quote it, so "
                         "an advisor can find your request")
            dispatcher.utter_message(
                text=(f"{decision.message} I've passed your request and this warning to a human advisor; your "
                      f"reference is {result.ticket.ticket_id}. {follow_up}, usually within one working day "
                      "(9:00-18:00). Nothing has been bought, and you don't need to confirm anything here."),
                buttons=buttons(("Show suitable products", "/ask_recommendation")))
            return [SlotSet("product", None), SlotSet("pending_product", None)]
        if decision.outcome is RequestOutcome.REFUSED:
            dispatcher.utter_message(text=decision.message + " I can show you products that suit your level.",
                                     buttons=buttons(("Show suitable products", "/ask_recommendation")))
            return [SlotSet("product", None), SlotSet("pending_product", None)]
        dispatcher.utter_message(text=f"{decision.message} {product.description} "
                                      f"Return: {product.return_range_words}. An advisor or the app can "
                                      "complete the purchase with you.")
        # Asking for a product the assistant showed in this conversation is a click on that offer; as
        # the request is for the product (request_product: "I want the bond fund") and it is passed on
        # to be completed, it is also the customer accepting the offer.
        await record_offer_event(record_offer_response, svc, tracker, kind="clicked", customer_id=who.customer_id,
                                 product_id=product.id, level=decision.level)
        await record_acceptance(svc, tracker, customer_id=who.customer_id, product_id=product.id,
                                level=decision.level)
        return [SlotSet("product", None)]


class ConfirmProductRequest(AdvisorAction):
    def name(self) -> str:
        return "action_confirm_product_request"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        product_id = tracker.get_slot("pending_product")
        who = identify(tracker)
        text = (tracker.latest_message or {}).get("text") or "/affirm"
        try:
            decision = await blocking(confirm_product, svc.uow_factory(), svc.catalog, product_id=product_id,
                                      customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                      confirmation_text=text, now=svc.clock())
        except (AssessmentRequiredError, UnknownProductError, ConfirmationWithoutWarningError):
            dispatcher.utter_message(text="That request has lapsed; please ask again.")
            return [SlotSet("pending_product", None), SlotSet("product", None)]
        cleared = [SlotSet("pending_product", None), SlotSet("product", None)]
        if decision.outcome is RequestOutcome.REFUSED:  # the level changed since the warning
            dispatcher.utter_message(text=decision.message)
            return cleared
        if decision.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW:  # the customer has turned 65 since the warning
            dispatcher.utter_message(
                text=decision.message + " Please ask for it again, and I'll pass it to an advisor."
            )
            return cleared
        if decision.outcome is RequestOutcome.WITHIN_LEVEL:
            dispatcher.utter_message(text=f"{decision.message} No special confirmation is needed; an advisor or "
                                          "the app can complete the purchase with you.")
        else:
            dispatcher.utter_message(
                text=(f"Your confirmation is recorded together with the risk warning. {decision.product.name} "
                      "was not recommended by us; an advisor will complete the purchase with you and can "
                      "answer any questions first."))
        await record_acceptance(svc, tracker, customer_id=who.customer_id, product_id=decision.product.id,
                                level=decision.level)
        return cleared


class DeclineProductRequest(AdvisorAction):
    def name(self) -> str:
        return "action_decline_product_request"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        dispatcher.utter_message(text="Understood - nothing has been bought. Would you like to see products "
                                      "that suit your level instead?",
                                 buttons=buttons(("Show suitable products", "/ask_recommendation")))
        return [SlotSet("pending_product", None), SlotSet("product", None)]


class ExplainDepositPlus(AdvisorAction):
    def name(self) -> str:
        return "action_explain_deposit_plus"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        rates = svc.catalog.rates
        product = svc.catalog.get("deposit_plus")
        dispatcher.utter_message(
            text=(f"{product.name}: it is a deposit, not an investment. It pays {rates.deposit_plus_multiple} times "
                  f"the demand-deposit rate ({rates.demand_rate}% a year today), plus {rates.deposit_plus_bonus_rate}% "
                  f"a year more once held {rates.bonus_after_months} months, and you can take money out any day. "
                  f"As a deposit it is covered by deposit insurance up to {money(rates.deposit_insurance_limit)} "
                  "per depositor per bank, principal and interest together. It suits idle cash above "
                  f"{money(rates.offer_above_balance)} in a current account."))
        who = identify(tracker)
        offer = await blocking(deposit_plus_offer, svc.uow_factory(), svc.catalog, customer_id=who.customer_id)
        if offer is not None:
            c = offer.comparison
            dispatcher.utter_message(
                text=(f"Your current account holds {money(c.balance)}. Over {c.months} months it would earn about "
                      f"{money(c.demand_earnings)} at the demand rate, and about {money(c.deposit_plus_earnings)} "
                      f"in deposit-plus - {money(c.extra)} more, if today's rates stay the same."))
        return []
