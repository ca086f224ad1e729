"""The yearly aggregated reports (art. 11, 14, 19, 33, 50, 63): what each year's report
holds, the disclosure control every figure outside the secretariat passes, and the runs
that build a report's PDF and XLSX in the background."""
