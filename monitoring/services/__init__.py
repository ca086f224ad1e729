"""Every write of the monitoring tool, one module per area: frameworks and rounds,
assessments (answers, evidence, submission), judgements, talks and reviews, plans of
approach and risk analyses."""
