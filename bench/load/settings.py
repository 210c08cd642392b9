"""The production settings as they are, but for the static files' directory: the load bench collects them
into a temporary STATIC_ROOT (``LOAD_STATIC_ROOT``) that WhiteNoise serves, and leaves the checkout alone."""

import os

from config.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["LOAD_STATIC_ROOT"]
