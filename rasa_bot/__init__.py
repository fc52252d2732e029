"""The Rasa side of the assistant: channels, tracker store, NLU component, training data.

Rasa imports this package whenever it loads one of them, which applies `rasa_patches` (Rasa
3.6 hot spots, see there) in every Rasa process of the assistant.
"""

from rasa_bot import rasa_patches

rasa_patches.apply()
