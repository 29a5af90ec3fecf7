class WorkflowError(Exception):
    """A step that the record's state does not allow; shown to the user (HTTP 409) in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConflictError(WorkflowError):
    """Someone else saved the record since it was loaded (version check)."""
