"""Every PDF the renovation app renders (the permit 装修许可证 and the other numbered permits are R1's/R2's/R4's
work on their branches; the rounds/acceptance/ledger area renders no PDF: its pages print from the browser)."""
