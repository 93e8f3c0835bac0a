"""Rasa custom actions: thin adapters from the tracker to the services in bot/."""
from bot.privacy import install_log_masking

# The action server logs requests; no phone or ID number may reach a log in full.
install_log_masking()
