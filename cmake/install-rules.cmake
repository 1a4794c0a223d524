include(CMakePackageConfigHelpers)

set(CLICKREF_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/clickref")

# Components: clickref_Runtime (the shared library), clickref_Development
# (headers, CMake package, pkg-config file, static library, .so namelink) and
# clickref_Tools (the command-line tool), so that a packager or a consumer test
# can install the library without building the tool.
install(TARGETS clickref EXPORT clickrefTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT clickref_Runtime
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT clickref_Runtime
    NAMELINK_COMPONENT clickref_Development
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT clickref_Development
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
if(TARGET clickref_cli)
  install(TARGETS clickref_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT clickref_Tools)
endif()
install(DIRECTORY include/clickref DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT clickref_Development)
# The browser snippet, for a web server to serve (the nginx example aliases it).
install(FILES bindings/js/clickref.js DESTINATION "${CMAKE_INSTALL_DATADIR}/clickref" COMPONENT clickref_Runtime)

install(EXPORT clickrefTargets NAMESPACE clickref:: DESTINATION "${CLICKREF_CMAKE_DIR}"
  COMPONENT clickref_Development)
configure_package_config_file(cmake/clickrefConfig.cmake.in
  "${PROJECT_BINARY_DIR}/clickrefConfig.cmake"
  INSTALL_DESTINATION "${CLICKREF_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/clickrefConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/clickrefConfig.cmake"
  "${PROJECT_BINARY_DIR}/clickrefConfigVersion.cmake"
  DESTINATION "${CLICKREF_CMAKE_DIR}"
  COMPONENT clickref_Development)

# pkg-config. The file locates the installation from its own directory
# (${pcfiledir}), so `cmake --install --prefix` anywhere gives a working file.
# Only a static libclickref needs its private dependencies (libcrypto,
# simdjson, the C++ runtime) on the consumer's link line; naming them for a
# shared one would make `pkg-config --cflags clickref` demand their -dev
# packages for nothing.
set(CLICKREF_PC_DIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
file(RELATIVE_PATH CLICKREF_PC_PREFIX "/${CLICKREF_PC_DIR}" "/")
set(CLICKREF_PC_PREFIX "\${pcfiledir}/${CLICKREF_PC_PREFIX}")
foreach(dir LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    set(CLICKREF_PC_${dir} "${CMAKE_INSTALL_${dir}}")
  else()
    set(CLICKREF_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
  endif()
endforeach()
if(BUILD_SHARED_LIBS)
  set(CLICKREF_PC_REQUIRES_PRIVATE "")
  set(CLICKREF_PC_LIBS_PRIVATE "")
  set(CLICKREF_PC_CFLAGS "")
else()
  set(CLICKREF_PC_REQUIRES_PRIVATE "libcrypto >= 3, simdjson")
  set(CLICKREF_PC_LIBS_PRIVATE "-lstdc++")
  set(CLICKREF_PC_CFLAGS "-DCLICKREF_STATIC")
endif()
configure_file(cmake/clickref.pc.in "${PROJECT_BINARY_DIR}/clickref.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/clickref.pc" DESTINATION "${CLICKREF_PC_DIR}"
  COMPONENT clickref_Development)
