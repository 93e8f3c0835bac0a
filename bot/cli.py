"""`python -m bot ...`: the bank's command line, calling the same services as the chat.

  migrate                      apply database migrations
  import DIR                   load the bank's CSV files from DIR
  audit --customer ID | --staff ID   print who saw which customer's data
  sla-check                    remind and escalate referrals not contacted in time (for cron)
  referrals report --month YYYY-MM [--branch ID] [--format csv|table]   monthly referral report
  campaigns report --campaign NO|ID [--format csv|table]   a campaign's figures per person
  digest [--now ISO]           put each person's daily list into the outbox (cron, working days)
  feedback [--since DATE] [--staff ID]   list what staff said about the bot, newest first
  suggestions --customer ID | --staff ID   print the compliance trail of product suggestions
  train-recs                   learn "what similar customers hold" from all holdings (nightly cron)

The demo bank, the suggestions' offline evaluation and the database benchmark are tools, not the
bank's: `python -m tools ...` (tools/cli.py).
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from bot.settings import Settings


def _services():
    """The command line's composition root (bot/services.py), as the action server's."""
    from bot.services import Services

    return Services.build(Settings.from_env())


def _database():
    return _services().db


def cmd_migrate(_args) -> int:
    from bot.migrate import upgrade

    upgrade(Settings.from_env().database_url)
    print("数据库已升级到最新版本。")
    return 0


def cmd_import(args) -> int:
    from bot.importer import ImportFailed, import_directory

    directory = Path(args.directory)
    if not directory.is_dir():
        print(f"找不到目录 {directory}", file=sys.stderr)
        return 2
    try:
        report = import_directory(_database(), directory, progress=not args.quiet)
    except ImportFailed as failure:
        print("导入失败,没有写入任何数据。问题如下:", file=sys.stderr)
        for error in failure.errors:
            print(f"  {error.file} 第{error.line}行 字段 {error.field}: {error.message}", file=sys.stderr)
        return 1
    print(f"导入完成: {report}")
    return 0


def cmd_audit(args) -> int:
    from bot.audit import audit_trail

    if not args.customer and not args.staff:
        print("请指定 --customer 客户号 或 --staff 员工号", file=sys.stderr)
        return 2
    with _database().unit_of_work() as session:
        lines = audit_trail(session, customer_id=args.customer, staff_id=args.staff, limit=args.limit)
    print("时间\t员工\t客户\t查看内容\t渠道\t说明")
    for line in lines:
        print(f"{line.at:%Y-%m-%d %H:%M:%S}\t{line.staff_id}\t{line.customer_id}\t{line.shown}\t{line.channel}\t{line.detail}")
    print(f"共 {len(lines)} 条")
    return 0


def cmd_sla_check(_args) -> int:
    from bot.referrals.replies import sla_report_lines
    from bot.referrals.reports import run_sla_check

    report = run_sla_check(_database())
    for line in sla_report_lines(report):
        print(line)
    print(f"{report.checked_at:%Y-%m-%d %H:%M} 转介时限检查:提醒 {len(report.reminders)} 条,超时上报 {len(report.escalations)} 条")
    return 0


REPORT_COLUMNS = ("month", "branch_id", "branch_name", "rank", "staff_id", "staff_name", "role",
                  "sent", "converted", "conversion_rate", "credit")
REPORT_HEADINGS = ("月份", "网点号", "网点", "排名", "员工号", "姓名", "岗位", "转介数", "成交数", "成交率", "积分")


def cmd_referrals_report(args) -> int:
    import csv

    from bot.referrals.replies import rate_text
    from bot.referrals.reports import branch_report

    try:
        rows = branch_report(_database(), args.month, args.branch)
    except ValueError as problem:
        print(problem, file=sys.stderr)
        return 2
    values = [
        _masked_row((r.month, r.branch_id, r.branch_name, r.ranked.rank, r.ranked.staff_id, r.ranked.name,
                     r.ranked.role_name, r.ranked.sent, r.ranked.converted,
                     "" if r.ranked.conversion_rate is None else f"{r.ranked.conversion_rate:.3f}", r.ranked.credit))
        for r in rows
    ]
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(REPORT_COLUMNS)
        writer.writerows(values)
        return 0
    print("\t".join(REPORT_HEADINGS))
    for r, row in zip(rows, values):
        print("\t".join(str(v) for v in row[:9] + (rate_text(r.ranked.conversion_rate), r.ranked.credit)))
    print(f"共 {len(rows)} 人")
    return 0


CAMPAIGN_COLUMNS = ("campaign_no", "campaign", "product", "deadline", "staff_id", "name", "targets", "contacted",
                    "interested", "converted", "declined", "amount", "overdue")


def cmd_campaigns_report(args) -> int:
    import csv

    progress = _services().campaigns.report(args.campaign)
    if not progress.found:
        print(f"没有营销活动 {args.campaign}", file=sys.stderr)
        return 2
    rows = [_masked_row((progress.campaign_no, progress.name, progress.product_word, progress.deadline.isoformat(),
                         p.staff_id, p.name, p.targets, p.contacted, p.interested, p.converted, p.declined,
                         f"{p.amount:.2f}", p.overdue))
            for p in (*progress.people, progress.total)]
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CAMPAIGN_COLUMNS)
        writer.writerows(rows)
        return 0
    print("\t".join(("员工号", "姓名", "客户", "已联系", "有意向", "成交", "不需要", "金额", "逾期")))
    for row in rows:
        print("\t".join(str(v) for v in row[4:]))
    return 0


def _masked_row(values: tuple) -> tuple:
    """A report's row with phones and ID numbers masked in its text: a report leaves the bank's
    systems (a spreadsheet, a mail), and its names and words come from what people typed."""
    from bot.privacy import mask_identifiers_in_text

    return tuple(mask_identifiers_in_text(value) if isinstance(value, str) else value for value in values)


def cmd_digest(args) -> int:
    from datetime import datetime

    from bot.visits.digest import morning_digest

    settings = Settings.from_env()
    now = datetime.fromisoformat(args.now) if args.now else None
    report = morning_digest(_database(), now, settings)
    if report.skipped == "not_working_day":
        print(f"{report.at:%Y-%m-%d} 不是工作日,不发送每日待办。")
        return 0
    if report.skipped == "too_early":
        print(f"还没到发送时间 {settings.digest_time:%H:%M},不发送每日待办。")
        return 0
    for staff_id, count in report.sent:
        print(f"{staff_id}\t{count}条")
    print(f"{report.at:%Y-%m-%d %H:%M} 每日待办:新发送 {len(report.sent)} 人,今天已发过 {report.already_sent} 人")
    return 0


def cmd_feedback(args) -> int:

    since = date.fromisoformat(args.since) if args.since else None
    lines = _services().visits.list_feedback(since, args.staff, args.limit)
    print("时间\t员工\t姓名\t上一意图\t渠道\t内容")
    for line in lines:
        text = line.text.replace("\n", " ")
        print("\t".join(_masked_row((f"{line.at:%Y-%m-%d %H:%M}", line.staff_id or "", line.staff_name or "",
                                     line.last_intent, line.channel, text))))
    print(f"共 {len(lines)} 条")
    return 0


def cmd_suggestions(args) -> int:
    from bot.suggestions.service import suggestion_trail

    if not args.customer and not args.staff:
        print("请指定 --customer 客户号 或 --staff 员工号", file=sys.stderr)
        return 2
    with _database().unit_of_work() as session:
        lines = suggestion_trail(session, customer_id=args.customer, staff_id=args.staff, limit=args.limit)
    print("时间\t员工\t客户\t类型\t名次\t产品\t结论\t理由\t规则\t渠道\t模型日期")
    for line in lines:
        # Information (the minimum purchase, binding false) is marked as such: it decided nothing.
        rules = " ".join(f"{r['rule']}{'(提示)' if r.get('binding') is False else '✓' if r['passed'] else '✗'}"
                         for r in line.rules)
        kind = "推荐" if line.kind == "suggestion" else "能否购买"
        print(f"{line.at:%Y-%m-%d %H:%M:%S}\t{line.staff_id}\t{line.customer_id}\t{kind}\t{line.rank or ''}\t"
              f"{line.product_code}\t{'可' if line.allowed else '不可'}\t{';'.join(line.reasons)}\t{rules}\t"
              f"{line.channel}\t{line.model_date or ''}")
    print(f"共 {len(lines)} 条")
    return 0


def cmd_train_recs(_args) -> int:

    model = _services().suggestions.train()
    print(f"推荐模型已训练并保存: {model.customers} 位客户, {model.holdings} 笔持仓, 模型日期 {model.model_date}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="网点助手命令行")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=cmd_migrate)

    importing = commands.add_parser("import", help="load branches/staff/customers/products/holdings CSV files")
    importing.add_argument("directory")
    importing.add_argument("--quiet", action="store_true", help="no progress bar")
    importing.set_defaults(run=cmd_import)

    auditing = commands.add_parser("audit", help="who saw which customer's data")
    auditing.add_argument("--customer")
    auditing.add_argument("--staff")
    auditing.add_argument("--limit", type=int, default=1000)
    auditing.set_defaults(run=cmd_audit)

    commands.add_parser("sla-check", help="remind/escalate referrals not contacted in time (cron)").set_defaults(
        run=cmd_sla_check
    )

    referrals = commands.add_parser("referrals", help="referral reports")
    referral_commands = referrals.add_subparsers(dest="referrals_command", required=True)
    report = referral_commands.add_parser("report", help="monthly referral figures per staff member")
    report.add_argument("--month", required=True, help="YYYY-MM")
    report.add_argument("--branch", help="branch id (default: every branch)")
    report.add_argument("--format", choices=("csv", "table"), default="table")
    report.set_defaults(run=cmd_referrals_report)

    campaigns = commands.add_parser("campaigns", help="marketing campaign reports")
    campaign_commands = campaigns.add_subparsers(dest="campaigns_command", required=True)
    campaign_report = campaign_commands.add_parser("report", help="a campaign's figures per person")
    campaign_report.add_argument("--campaign", required=True, help="campaign number (HD…) or id")
    campaign_report.add_argument("--format", choices=("csv", "table"), default="table")
    campaign_report.set_defaults(run=cmd_campaigns_report)

    digest = commands.add_parser("digest", help="put each person's daily list into the outbox (cron)")
    digest.add_argument("--now", help="ISO local datetime to act as now (default: the clock)")
    digest.set_defaults(run=cmd_digest)

    feedback = commands.add_parser("feedback", help="list feedback staff gave in the chat")
    feedback.add_argument("--since", help="ISO date")
    feedback.add_argument("--staff", help="staff id")
    feedback.add_argument("--limit", type=int, default=200)
    feedback.set_defaults(run=cmd_feedback)

    suggestions = commands.add_parser("suggestions", help="the compliance trail of product suggestions")
    suggestions.add_argument("--customer")
    suggestions.add_argument("--staff")
    suggestions.add_argument("--limit", type=int, default=1000)
    suggestions.set_defaults(run=cmd_suggestions)

    commands.add_parser("train-recs", help="learn what similar customers hold (run nightly)").set_defaults(
        run=cmd_train_recs
    )

    return parser


def main(argv: list[str] | None = None) -> int:
    from bot.privacy import install_log_masking

    install_log_masking()
    args = build_parser().parse_args(argv)
    return args.run(args)
