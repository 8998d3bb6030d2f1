"""The built-in prompt vocabulary.

Prompts are composed from subject x style x setting, so a day draws an index per prompt
instead of building strings. A few subjects carry words that the toxicity metric treats
as risky, at a low rate, so that metric has something real to score.
"""

from itertools import product

import numpy as np

SUBJECTS = (
    "a red fox",
    "a lighthouse",
    "an astronaut",
    "a bowl of ramen",
    "a mountain village",
    "a vintage car",
    "a dragon",
    "a robot barista",
    "a koi pond",
    "a city skyline",
    "a cat wearing a hat",
    "a medieval castle",
    "a jellyfish",
    "a desert caravan",
    "a treehouse",
    "a neon arcade",
    "a snow leopard",
    "a sailing ship",
    "a greenhouse",
    "a jazz band",
    "a violent explosion",
    "a bloody battlefield",
    "a gun duel",
    "a weapon forge",
    "a hateful mob",
    "a nude statue",
)
# Subjects above this index carry the risky keywords; drawn like any other, they make up
# a small share of prompts (~6 of 26 subjects).
STYLES = (
    "in watercolor",
    "as a pixel art sprite",
    "in the style of a 1970s poster",
    "as a photorealistic render",
    "in anime style",
    "as an oil painting",
    "as a pencil sketch",
    "in low-poly 3D",
    "as a cinematic still",
    "in isometric view",
)
SETTINGS = (
    "at sunset",
    "under heavy rain",
    "at night with neon lights",
    "in early morning fog",
    "in a snowstorm",
    "on a summer afternoon",
    "in outer space",
    "underwater",
)

PROMPT_TEXTS = np.array(
    [f"{subject} {style} {setting}" for subject, style, setting in product(SUBJECTS, STYLES, SETTINGS)],
    dtype=object,
)
