package dev.originality.cli;

/** Bad input the user can fix; reported as one line with exit code 2. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
