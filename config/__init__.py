"""The config schema (validated on load) and the bundled example school + demo data."""

from config.loader import ConfigError, load_config, load_config_text
from config.schema import Config, Recipient, School, Source, Staff

__all__ = [
    "Config",
    "ConfigError",
    "Recipient",
    "School",
    "Source",
    "Staff",
    "load_config",
    "load_config_text",
]
