package io.modelcat.store.model;

import java.util.List;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;

/**
 * A card's excerpt: the first paragraph, list or quotation of its Markdown description that holds text, as plain
 * text on one line, cut to {@link #MAX_CHARS} characters (the last one then an ellipsis). Headings, tables, code
 * blocks, HTML blocks, images and inline HTML tags are left out; links and emphasis keep their text. List pages
 * carry the excerpt instead of the description, which is often a whole Hugging Face README of many kilobytes.
 */
public final class CardExcerpt {

    /** The longest excerpt, in characters (code points), its ellipsis included. */
    public static final int MAX_CHARS = 160;

    private static final Parser MARKDOWN = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    private CardExcerpt() {
    }

    /** The excerpt of {@code markdown}; empty when it is null or holds no text outside headings, tables and code. */
    public static String of(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        Node document = MARKDOWN.parse(markdown.replace('\0', ' '));
        for (Node block = document.getFirstChild(); block != null; block = block.getNext()) {
            if (block instanceof Paragraph || block instanceof ListBlock || block instanceof BlockQuote) {
                PlainText text = new PlainText();
                block.accept(text);
                String line = text.out.toString().replaceAll("\\s+", " ").strip();
                if (!line.isEmpty()) {
                    return cut(line);
                }
            }
        }
        return "";
    }

    private static String cut(String line) {
        if (line.codePointCount(0, line.length()) <= MAX_CHARS) {
            return line;
        }
        return line.substring(0, line.offsetByCodePoints(0, MAX_CHARS - 1)).stripTrailing() + "…";
    }

    /** The text of a block: its words, code spans and link texts; a space between lines and list items. */
    private static final class PlainText extends AbstractVisitor {
        private final StringBuilder out = new StringBuilder();

        @Override
        public void visit(Text text) {
            out.append(text.getLiteral());
        }

        @Override
        public void visit(Code code) {
            out.append(code.getLiteral());
        }

        @Override
        public void visit(SoftLineBreak lineBreak) {
            out.append(' ');
        }

        @Override
        public void visit(HardLineBreak lineBreak) {
            out.append(' ');
        }

        @Override
        public void visit(Paragraph paragraph) {
            out.append(' ');
            visitChildren(paragraph);
        }

        @Override
        public void visit(ListItem item) {
            out.append(' ');
            visitChildren(item);
        }

        @Override
        public void visit(Image image) {
            // A badge or a picture: its alternative text is no sentence of the card.
        }

        @Override
        public void visit(HtmlInline html) {
            // The tag goes; the text between tags stays.
        }
    }
}
