from django.core.management.base import BaseCommand

from convenant.reminders.services import reminders_send


class Command(BaseCommand):
    help = (
        "Make and mail the deadline reminders due today (what the daily beat does); "
        "running it again the same day sends nothing more."
    )

    def handle(self, *args, **options):
        result = reminders_send()
        self.stdout.write(
            f"{result.due} reminders due, {result.created} new, "
            f"{result.mailed} mails sent."
        )
