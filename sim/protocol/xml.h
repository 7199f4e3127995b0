/*
 * xml.h - a small streaming XML writer (the awsQuery codec's output; later rest-xml's).
 *
 * Everything is appended to a bounded struct buf (util/buf.h); no tree is built first. Text
 * and attribute values are escaped so that the output is well-formed XML 1.0 whatever bytes
 * the caller passes:
 *   - "&", "<" and ">" become &amp; &lt; &gt; (">" always, so "]]>" can never appear);
 *   - in attribute values '"' and "'" also become &quot; &apos;, and TAB, LF and CR become
 *     character references, which attribute-value normalization would otherwise turn into
 *     spaces;
 *   - a CR in text becomes &#xD;, because a literal CR is read back as LF;
 *   - characters XML 1.0 forbids (C0 controls other than TAB, LF and CR; U+FFFE; U+FFFF) and
 *     bytes that are not valid UTF-8 become U+FFFD, the replacement character. XML 1.0 has
 *     no way to carry them at all (even &#1; is illegal), and a client whose parser meets
 *     one rejects the whole response, which is worse than losing the character.
 * Element and attribute names are written as given: callers pass names from the model.
 *
 * Every function returns 0, or -1 once the buffer's maximum is reached; b->overflow then
 * stays set, so a caller may write a whole document and check once at the end.
 *
 * To write an element with attributes: xml_start_tag, xml_attr for each, xml_end_tag.
 */
#ifndef DRILLSIM_XML_H
#define DRILLSIM_XML_H

#include <stddef.h>

#include "util/buf.h"

/* Appends <?xml version="1.0" encoding="UTF-8"?>. */
int xml_declaration(struct buf *b);
/* Appends s[0..n) escaped as character data. */
int xml_text(struct buf *b, const char *s, size_t n);
/* Appends s[0..n) escaped for a double-quoted attribute value. */
int xml_attr_text(struct buf *b, const char *s, size_t n);
/* Appends "<name" (attributes may follow, then xml_end_tag). */
int xml_start_tag(struct buf *b, const char *name);
/* Appends ` name="value"`, the value escaped. */
int xml_attr(struct buf *b, const char *name, const char *value);
/* Appends ">" to finish a start tag begun with xml_start_tag. */
int xml_end_tag(struct buf *b);
/* Appends "<name>", or `<name xmlns="ns">` when ns is not NULL. */
int xml_open(struct buf *b, const char *name, const char *ns);
/* Appends "</name>". */
int xml_close(struct buf *b, const char *name);
/* Appends "<name/>". */
int xml_empty(struct buf *b, const char *name);
/* Appends "<name>text</name>" with text escaped; a NULL text is written as empty. */
int xml_element(struct buf *b, const char *name, const char *text);
/* Like xml_element with text[0..n), which need not be NUL-terminated. */
int xml_element_n(struct buf *b, const char *name, const char *text, size_t n);

#endif
