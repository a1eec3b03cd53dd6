// Debian builds Boost.JSON header-only: its implementation is compiled once, here,
// and every govbus library reaches it through govbus_core.
#include <boost/json/src.hpp>
