"""Every write of the billing app. ``numbers`` gives out receipt and voucher numbers and the cashier's
business day; ``payments`` is the counter (receipts, allocation, prepaid balances, voids). Each
other module (runs, meters, corrections, deposits, reminders, close) writes through these."""
