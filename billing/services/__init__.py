"""Every write of the billing app. ``numbers`` gives out receipt and voucher numbers and the cashier's
business day; ``payments`` is the counter (receipts, allocation, prepaid balances, voids, prints). Each
other module (runs, meters, corrections, deposits, charges, reminders, close, setup) writes through these."""
