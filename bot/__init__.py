"""网点助手 domain core: bank data, access rules, services. Never imports rasa or rasa_sdk
(bot/channels/ is the one exception: Rasa input channels)."""
