"""The incident register has no periodic jobs yet; reports read it through ``incidents.selectors``."""
