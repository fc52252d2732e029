"""Risk level, recommendations, products asked for by name, and deposit-plus."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import AdvisorAction, DomainDict, Events, blocking, buttons, channel_of, identify, texts_for
from actions.wiring import Services
from advisor_core.domain.levels import RiskLevel
from advisor_core.domain.suitability import RequestOutcome
from advisor_core.domain.texts import Texts
from advisor_core.errors import (
    AssessmentRequiredError,
    ConfirmationWithoutWarningError,
    PersistenceError,
    UnknownProductError,
)
from advisor_core.services.assessments import cap_explanations, current_assessment
from advisor_core.services.offers import record_offer_response, record_offers_shown
from advisor_core.services.recommendations import (
    confirm_product,
    deposit_plus_offer,
    recommend_and_record,
    request_product,
)


def offer_questionnaire(texts: Texts) -> list[dict[str, str]]:
    return buttons((texts.render("button.take_questionnaire"), "/start_risk_assessment"))


def show_products(texts: Texts) -> tuple[str, str]:
    return texts.render("button.show_products"), "/ask_recommendation"

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


def _no_assessment_text(texts: Texts, reason: str | None) -> str:
    why = texts.render("level.no_assessment_reason", reason=reason) if reason else ""
    return texts.render("level.no_assessment", why=why)


class TellRiskLevel(AdvisorAction):
    def name(self) -> str:
        return "action_tell_risk_level"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        who = identify(tracker)
        current = await blocking(current_assessment, svc.uow_factory(), customer_id=who.customer_id,
                                 conversation_id=tracker.sender_id, now=svc.clock())
        if current is None or not current.valid:
            reason = current.validity.reason_in(texts) if current else None
            dispatcher.utter_message(
                text=texts.sentences(texts.render("level.scales"), _no_assessment_text(texts, reason)),
                buttons=offer_questionnaire(texts))
            return []
        record = current.record
        level = RiskLevel.parse(record.level)
        lines = [texts.render("level.yours", level=level.name, date=texts.date(record.created_at),
                              meaning=svc.questionnaire.meaning_of(level, texts.language))]
        if record.caps:
            explanations = cap_explanations(svc.questionnaire, record, texts)
            lines.append(texts.render("level.limited_by", explanations=texts.sentences(*explanations)))
        dispatcher.utter_message(text="\n".join(lines),
                                 buttons=buttons(show_products(texts),
                                                 (texts.render("button.retake_questionnaire"),
                                                  "/start_risk_assessment")))
        return [SlotSet("risk_level", level.name), SlotSet("risk_score", float(record.total_score)),
                SlotSet("lowest_category", record.lowest_category)]


class RecommendProducts(AdvisorAction):
    def name(self) -> str:
        return "action_recommend_products"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        who = identify(tracker)
        # label_check: a customer with a persona label may see their label-check arm's product (both
        # arms are always within their level); the shown events say which persona and arm.
        outcome = await blocking(recommend_and_record, svc.uow_factory(), svc.catalog,
                                 customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                 now=svc.clock(), label_check=True, texts=texts)
        if outcome.assessment is None or not outcome.has_valid_assessment:
            reason = outcome.assessment.validity.reason_in(texts) if outcome.assessment else None
            dispatcher.utter_message(text=_no_assessment_text(texts, reason), buttons=offer_questionnaire(texts))
            if outcome.recommendations:
                for message in outcome.messages:
                    dispatcher.utter_message(text=message)
                await record_offer_event(record_offers_shown, svc, tracker, customer_id=who.customer_id,
                                         product_ids=[r.product.id for r in outcome.recommendations], level=None)
            return []
        level = outcome.assessment.record.level
        if not outcome.recommendations:
            dispatcher.utter_message(text=texts.render("reco.nothing_suitable", level=level))
            return []
        for message in outcome.messages:   # the list with reasons, then any credit offer: as recorded
            dispatcher.utter_message(text=message)
        await record_offer_event(record_offers_shown, svc, tracker, customer_id=who.customer_id,
                                 product_ids=[r.product.id for r in outcome.recommendations],
                                 level=RiskLevel.parse(level), label=outcome.label)
        return []


class RequestProduct(AdvisorAction):
    def name(self) -> str:
        return "action_request_product"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        product_id = tracker.get_slot("product")
        if not product_id or product_id not in svc.catalog:
            dispatcher.utter_message(text=texts.render("request.which_product"))
            return [SlotSet("product", None)]
        who = identify(tracker)
        request_text = (tracker.latest_message or {}).get("text") or None
        try:
            result = await blocking(request_product, svc.uow_factory(), svc.catalog, product_id=product_id,
                                    customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                    now=svc.clock(), request_text=request_text, texts=texts)
        except AssessmentRequiredError as exc:
            dispatcher.utter_message(text=_no_assessment_text(texts, exc.args[0] if exc.args else None),
                                     buttons=offer_questionnaire(texts))
            return [SlotSet("product", None)]
        decision = result.decision
        product = decision.product
        if decision.outcome is RequestOutcome.NEEDS_CONFIRMATION:
            dispatcher.utter_message(text=result.shown_text,   # the warning and its question, as recorded
                                     buttons=buttons((texts.render("button.yes_confirm"), "/affirm"),
                                                     (texts.render("button.no_thanks"), "/deny")))
            return [SlotSet("pending_product", product.id)]
        if decision.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW and result.ticket is not None:
            follow_up = texts.render("common.advisor_replies_here" if who.customer_id else "request.guest_follow_up")
            dispatcher.utter_message(
                text=texts.render("request.human_review", warning=result.shown_text, ticket=result.ticket.ticket_id,
                                  follow_up=follow_up),
                buttons=buttons(show_products(texts)))
            return [SlotSet("product", None), SlotSet("pending_product", None)]
        if decision.outcome is RequestOutcome.REFUSED:
            dispatcher.utter_message(text=result.shown_text, buttons=buttons(show_products(texts)))
            return [SlotSet("product", None), SlotSet("pending_product", None)]
        dispatcher.utter_message(text=texts.render("request.within_level", message=decision.message,
                                                   description=product.description_in(texts.language),
                                                   return_range=product.return_range(texts)))
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
        texts = texts_for(tracker, svc)
        product_id = tracker.get_slot("pending_product")
        who = identify(tracker)
        text = (tracker.latest_message or {}).get("text") or "/affirm"
        try:
            decision = await blocking(confirm_product, svc.uow_factory(), svc.catalog, product_id=product_id,
                                      customer_id=who.customer_id, conversation_id=tracker.sender_id,
                                      confirmation_text=text, now=svc.clock(), texts=texts)
        except (AssessmentRequiredError, UnknownProductError, ConfirmationWithoutWarningError):
            dispatcher.utter_message(text=texts.render("request.lapsed"))
            return [SlotSet("pending_product", None), SlotSet("product", None)]
        cleared = [SlotSet("pending_product", None), SlotSet("product", None)]
        if decision.outcome is RequestOutcome.REFUSED:  # the level changed since the warning
            dispatcher.utter_message(text=decision.message)
            return cleared
        if decision.outcome is RequestOutcome.NEEDS_HUMAN_REVIEW:  # the customer has turned 65 since the warning
            dispatcher.utter_message(text=texts.render("request.ask_again_for_review", message=decision.message))
            return cleared
        if decision.outcome is RequestOutcome.WITHIN_LEVEL:
            dispatcher.utter_message(text=texts.render("request.within_level_confirmed", message=decision.message))
        else:
            dispatcher.utter_message(text=texts.render("request.confirmation_recorded",
                                                       name=decision.product.name_in(texts.language)))
        await record_acceptance(svc, tracker, customer_id=who.customer_id, product_id=decision.product.id,
                                level=decision.level)
        return cleared


class DeclineProductRequest(AdvisorAction):
    def name(self) -> str:
        return "action_decline_product_request"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        dispatcher.utter_message(text=texts.render("request.declined"), buttons=buttons(show_products(texts)))
        return [SlotSet("pending_product", None), SlotSet("product", None)]


class ExplainDepositPlus(AdvisorAction):
    def name(self) -> str:
        return "action_explain_deposit_plus"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                  svc: Services) -> Events:
        texts = texts_for(tracker, svc)
        rates = svc.catalog.rates
        product = svc.catalog.get("deposit_plus")
        dispatcher.utter_message(text=texts.render(
            "deposit.explain", name=product.name_in(texts.language), multiple=rates.deposit_plus_multiple,
            demand_rate=rates.demand_rate, bonus_rate=rates.deposit_plus_bonus_rate,
            bonus_months=rates.bonus_after_months, insurance_limit=texts.money(rates.deposit_insurance_limit),
            offer_above=texts.money(rates.offer_above_balance)))
        who = identify(tracker)
        offer = await blocking(deposit_plus_offer, svc.uow_factory(), svc.catalog, customer_id=who.customer_id)
        if offer is not None:
            c = offer.comparison
            dispatcher.utter_message(text=texts.render(
                "deposit.your_balance", balance=texts.money(c.balance), months=c.months,
                demand_earnings=texts.money(c.demand_earnings), plus_earnings=texts.money(c.deposit_plus_earnings),
                extra=texts.money(c.extra)))
        return []
