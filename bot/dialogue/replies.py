"""The conversation protocol's own Chinese text: what the bot says whatever the capability (write
in Chinese, which customer, a record cannot be deleted here, the database failed, notifications
come later).
"""
from __future__ import annotations

from bot.customers import replies as customer_replies

# The sender is not registered staff: the whole reply, whatever she wrote (actions/respond.py).
NOT_STAFF = "抱歉,没有查到您的员工登记信息,暂时不能为您服务。请联系网点负责人把您的聊天账号登记到系统里。"

PLEASE_WRITE_CHINESE = "请用中文发消息,比如“查一下王建国”“我的待办”。发“帮助”看我能做什么。"

WHICH_CUSTOMER = "没明白您指的是哪位客户。" + customer_replies.ASK_WHICH_CUSTOMER

UNDO_NOT_BUILT = ("已经保存的记录在聊天里还不能删除或修改(这个功能还没有做)。记错了的话请再发一条正确的记录,"
                  "原记录请联系网点负责人在系统里作废;转介可以直接说“撤销转介”。")

EDIT_NOT_HERE = ("客户资料(风险等级、手机号、地址、客户经理等)不能在聊天里修改:风险等级要客户重新做风险测评,"
                 "其他资料请在行内系统里按流程变更。")

BRANCH_VIEW_NOT_BUILT = ("网点情况和团队业绩的整体看板(拜访、跟进、转介、活动按人汇总,附图)还没有做好。现在可以问:"
                         "“本月转介排行”“王芳这个月转介怎么样”“活动进度”“我的待办”。")

# The database failed during the turn: the unit of work rolled back, what waited (a draft) is kept,
# and "确认" again once it is back saves it.
NOT_SAVED_REPLY = "系统暂时连不上数据库,这次没有保存任何内容。请稍后再回复一次(草稿还在)。"

NOT_DONE_REPLY = "系统暂时连不上数据库,这次没有保存任何内容。请稍后再发一次。"  # no draft waited

# Above a notification whose earlier push got no clear answer: it may have arrived (bot/push.py).
MAYBE_RECEIVED = "(补发:这条通知之前推送时没有得到确认,如已收到请忽略。)"

# The notifications could not be fetched: the reply goes on without them, they come later.
NOTIFICATIONS_LATER = "(您的通知暂时取不到,稍后送达。)"

# A draft waiting for its confirmation offers the two answers as buttons (numbered choices on WeCom
# and Matrix, where "1" then means 确认).
CONFIRM_BUTTONS = [{"title": "确认", "payload": "确认"}, {"title": "取消", "payload": "取消"}]
