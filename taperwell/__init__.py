"""taperwell: a clinic platform for slow, supported opioid tapering and coping skills."""
