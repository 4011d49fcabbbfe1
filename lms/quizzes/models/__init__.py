from .bank import (  # noqa: F401
    CHOICE_TYPES,
    Choice,
    Difficulty,
    Question,
    QuestionCategory,
    QuestionTag,
    QuestionType,
    parse_blanks,
    validate_choices,
    validate_question_fields,
)
from .h5p import H5PPackage, H5PResult, H5PStatement, H5PUserData  # noqa: F401
from .quiz import AttemptAnswer, DrawRule, ExamPage, Quiz, QuizAttempt, QuizQuestion  # noqa: F401
