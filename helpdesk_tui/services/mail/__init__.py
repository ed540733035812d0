"""Mail out: the outbox written in each action's transaction, the notices every
recovery action sends, and delivery (SMTP, or .eml files in demo mode)."""

from helpdesk_tui.services.mail.delivery import (
    MAX_ATTEMPTS,
    EmlFolderTransport,
    SmtpTransport,
    deliver_due,
    is_erased,
    requeue,
    retry_failed,
    sender_for,
    transport_for,
)
from helpdesk_tui.services.mail.outbox import (
    addresses_on_file,
    notice_fields,
    notify_all,
    outbox_counts,
    queue,
    send_to_all,
    unsent_counts,
)

__all__ = [
    "EmlFolderTransport",
    "MAX_ATTEMPTS",
    "SmtpTransport",
    "addresses_on_file",
    "deliver_due",
    "is_erased",
    "notice_fields",
    "notify_all",
    "outbox_counts",
    "queue",
    "requeue",
    "retry_failed",
    "send_to_all",
    "sender_for",
    "transport_for",
    "unsent_counts",
]
