"""Rasa custom actions: thin adapters from the tracker to the services in bot/."""
from bot.privacy import install_log_masking

# The action server logs requests; no phone or ID number may reach a log in full.
install_log_masking()

# Libraries the first visit note would otherwise load while a teller waits (bot/visit_notes.py).
def _warm_up() -> None:
    import logging
    import threading

    from bot.visit_notes import warm_up

    def run() -> None:
        try:
            warm_up()
        except Exception:  # a failed warm-up only means the first visit note is slower
            logging.getLogger(__name__).warning("warm-up of the visit-note parser failed", exc_info=True)

    threading.Thread(target=run, name="warm-up", daemon=True).start()


_warm_up()
