"""Default time limits of the center's steps."""

from classification.choices import LimitUnit

from .choices import Stage

# Limits of the center's steps: 15 working minutes each [seed]; 30 for sending verification or check
# tasks and for the supervisor's verification and check [default: the market leader's]. Editable as
# StageLimit rows; these apply where no row exists.
DEFAULT_STAGE_LIMITS = {
    Stage.INTAKE: (15, LimitUnit.WORKING_MINUTES),
    Stage.VERIFY: (30, LimitUnit.WORKING_MINUTES),
    Stage.REGISTER: (15, LimitUnit.WORKING_MINUTES),
    Stage.DISPATCH: (15, LimitUnit.WORKING_MINUTES),
    Stage.SEND_CHECK: (30, LimitUnit.WORKING_MINUTES),
    Stage.CHECK: (30, LimitUnit.WORKING_MINUTES),
    Stage.CLOSE: (15, LimitUnit.WORKING_MINUTES),
    Stage.RULE: (3, LimitUnit.WORKING_DAYS),  # a disputed case is ruled on within three working days [default]
}
