package io.cometgate.policy;

import java.util.ArrayList;
import java.util.List;

/** One whitespace-separated word of a policy line and its 1-based column. */
record Token(String text, int column) {

    /** Splits a line into words; a word starting with {@code #} starts a comment. */
    static List<Token> split(String line) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (c == '#') {
                break;
            }
            int start = i;
            while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
                i++;
            }
            out.add(new Token(line.substring(start, i), start + 1));
        }
        return out;
    }
}
