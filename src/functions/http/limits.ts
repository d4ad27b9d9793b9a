/**
 * How much of a request the API reads, and how much of it an answer repeats.
 *
 * 64 KiB per body: the largest valid request is a silence with every matcher, name and comment at
 * its maximum length (about 1,300 characters); written entirely as `\uXXXX` escapes that is under
 * 8 KiB. Eight times that leaves room for new fields, while the worst body a client can send is
 * parsed and refused in milliseconds (an 8 MB body with an invalid value in every element once
 * took 5.3 s and produced a 78.9 MB answer).
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** The most characters of one client-given value (a field name, an ID, a content type) an answer repeats. */
export const ECHO_CHARS = 80;

/** The most characters of one problem line in a 400 answer: a path, what was expected, the value seen. */
export const PROBLEM_CHARS = 300;
