"""Custom actions: thin adapters from the Rasa tracker to advisor_core and back.

The action server imports this package and registers every concrete Action subclass, so each
feature module is imported here.
"""

from actions import advisor, follow_up, kyc, open_answer, plans, products, support  # noqa: F401
