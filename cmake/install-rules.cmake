include(CMakePackageConfigHelpers)

set(CLICKREF_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/clickref")

install(TARGETS clickref EXPORT clickrefTargets
  RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}"
  LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" NAMELINK_COMPONENT Development
  ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}"
  INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS clickref_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
install(DIRECTORY include/clickref DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(EXPORT clickrefTargets NAMESPACE clickref:: DESTINATION "${CLICKREF_CMAKE_DIR}")
configure_package_config_file(cmake/clickrefConfig.cmake.in
  "${PROJECT_BINARY_DIR}/clickrefConfig.cmake"
  INSTALL_DESTINATION "${CLICKREF_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/clickrefConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/clickrefConfig.cmake"
  "${PROJECT_BINARY_DIR}/clickrefConfigVersion.cmake"
  DESTINATION "${CLICKREF_CMAKE_DIR}")

# pkg-config: a static libclickref needs its private dependencies on the link line.
set(CLICKREF_PC_REQUIRES_PRIVATE "libcrypto simdjson")
if(BUILD_SHARED_LIBS)
  set(CLICKREF_PC_CFLAGS "")
else()
  set(CLICKREF_PC_CFLAGS "-DCLICKREF_STATIC")
endif()
configure_file(cmake/clickref.pc.in "${PROJECT_BINARY_DIR}/clickref.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/clickref.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
