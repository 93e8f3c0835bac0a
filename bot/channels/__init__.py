"""Rasa input channels: the one part of bot/ that imports Rasa (registered in credentials.yml).

- `bot.channels.wecom.WeComInput` — WeCom (企业微信) self-built app callbacks;
  `bot.channels.wecom_crypto` — its signature and AES scheme (pure, no Rasa).
- `bot.channels.rest_auth.TokenRestInput` — the REST channel behind a shared token, with limits.
- `bot.channels.webchat.WebChatInput` — a local web chat page (demos and training on one machine only,
  never in production: the page picks the sender).
- `bot.channels.limits` — per-sender rate limits (shared through Redis when configured) and a seen-once set.

Importing this package imports nothing; each channel module is loaded by its module path.
"""
