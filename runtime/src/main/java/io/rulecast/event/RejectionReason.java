package io.rulecast.event;

/** Why an input record is not an event; carried to the dead-letter topic. */
public enum RejectionReason {
    /** Not parseable as JSON (including trailing content after the object). */
    MALFORMED_JSON,
    /** A required field is absent or empty. */
    MISSING_FIELD,
    /** A field, or the value as a whole, has the wrong JSON type or an unusable value. */
    WRONG_TYPE,
    /** The value is larger than the parser's limit. */
    TOO_LARGE,
    /** The bytes are not valid UTF-8. */
    BAD_ENCODING
}
