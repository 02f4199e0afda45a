"""Project Scrapy commands (COMMANDS_MODULE in crawler/settings.py)."""
