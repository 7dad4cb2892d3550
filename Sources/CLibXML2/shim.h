// libxml2's HTML parser and XPath, for reading the pages of a commune's old
// site (SiteCrawl). Debian: libxml2-dev (ops/lib/deps.sh).
//
// Debian builds libxml2 with ICU, whose headers would clash with the ICU
// Foundation carries: leave them out. Only the encoding handler's layout
// depends on it, and the platform never touches that structure.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/tree.h>
