"""Import of register extracts (DTKS, BDT 2015, DTSEN): file readers and value parsers."""
