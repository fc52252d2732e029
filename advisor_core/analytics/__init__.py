"""Analytics over the customer book: a synthetic demo book, campaign rules, segments.

Nothing here does I/O at import time; scikit-learn is imported only when a
segmentation is run.
"""

from advisor_core.analytics.campaigns import (
    CAMPAIGNS,
    campaign_summary,
    eligibility_frame,
    eligible_customers,
    export_campaign_csv,
    is_deposit_plus_eligible,
    is_education_plan_eligible,
    is_eligible,
    is_renovation_instalment_eligible,
)
from advisor_core.analytics.demo_book import (
    DEMO_SEED,
    DEMO_TODAY,
    PRODUCT_IDS,
    demo_book_frame,
    generate_demo_book,
)
from advisor_core.analytics.segments import SEGMENT_FEATURES, describe_segments, segment_customers

__all__ = [
    "CAMPAIGNS",
    "DEMO_SEED",
    "DEMO_TODAY",
    "PRODUCT_IDS",
    "SEGMENT_FEATURES",
    "campaign_summary",
    "demo_book_frame",
    "describe_segments",
    "eligibility_frame",
    "eligible_customers",
    "export_campaign_csv",
    "generate_demo_book",
    "is_deposit_plus_eligible",
    "is_education_plan_eligible",
    "is_eligible",
    "is_renovation_instalment_eligible",
    "segment_customers",
]
