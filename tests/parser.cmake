# Parser differential test: twinpy's AST (test_parser --dump) against
# CPython's ast.dump for every script in the tree and every snippet of
# tests/parser/cases.py.txt, errors included (type, line, column).
# Registered only where python3 exists, since CPython is the reference.

find_program(TWIN_PYTHON3 python3)
if(TWIN_PYTHON3 AND TARGET test_parser)
  file(GLOB TWIN_PARSER_SOURCES CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/scripts/*.py
    ${PROJECT_SOURCE_DIR}/examples/*.py
    ${PROJECT_SOURCE_DIR}/bench/scripts/*.py)
  add_test(NAME parser.differential
    COMMAND ${TWIN_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/parser/parser_diff.py
            $<TARGET_FILE:test_parser>
            ${CMAKE_CURRENT_SOURCE_DIR}/parser/cases.py.txt
            ${TWIN_PARSER_SOURCES})
  set_tests_properties(parser.differential PROPERTIES LABELS "parser" TIMEOUT 300)
endif()
