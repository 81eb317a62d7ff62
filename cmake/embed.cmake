# Turns a text file into a C++ source defining `const char* const <SYMBOL>` in namespace
# tweeling::generated, so programs carry their schemas and need no install path at run time.
# Usage: cmake -DINPUT=file -DOUTPUT=file.cpp -DSYMBOL=kName -P embed.cmake
file(READ "${INPUT}" CONTENT)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by cmake/embed.cmake. Do not edit.\nnamespace tweeling::generated {\nextern const char* const ${SYMBOL};\nconst char* const ${SYMBOL} = R\"TWEELING_EMBED(${CONTENT})TWEELING_EMBED\";\n}\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
