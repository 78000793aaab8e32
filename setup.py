"""Builds the extension btpow._btpow with CMake (the library, then python/src/module.cpp).

BTPOW_CMAKE_BUILD_DIR=<dir> reuses an existing build directory of this repository (configured
with the same Python), so that nothing already compiled is compiled again; otherwise a build
directory of its own is configured under build-python/ (with CUDA when nvcc is found, as the
main build). BTPOW_CMAKE_ARGS adds arguments to that configuration.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent
(ROOT / "build-python").mkdir(exist_ok=True)  # egg_base below must exist


def cmake_version() -> str:
    """The version in CMakeLists.txt's project(), which the library, the C API and btpow.__version__
    also take."""
    text = (ROOT / "CMakeLists.txt").read_text()
    found = re.search(r"project\(\s*btpow\s+VERSION\s+([0-9][0-9.]*)", text)
    if not found:
        sys.exit("btpow: no 'project(btpow VERSION x.y.z' in CMakeLists.txt")
    return found.group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        cmake = shutil.which("cmake")
        if not cmake:
            sys.exit("btpow: cmake is needed to build the extension (apt-get install cmake)")
        env = dict(os.environ)
        if not shutil.which("nvcc", path=env.get("PATH")) and os.access("/usr/local/cuda/bin/nvcc", os.X_OK):
            env["PATH"] = "/usr/local/cuda/bin" + os.pathsep + env.get("PATH", "")
        python = os.path.realpath(sys.executable)
        reuse = os.environ.get("BTPOW_CMAKE_BUILD_DIR")
        if reuse:
            build_dir = Path(reuse).resolve()
            if not (build_dir / "CMakeCache.txt").is_file():
                sys.exit(f"btpow: BTPOW_CMAKE_BUILD_DIR={reuse} is not a configured CMake build directory")
            configure = [cmake, "-S", str(ROOT), "-B", str(build_dir), "-DBTPOW_BUILD_PYTHON=ON"]
            if "PYTHON_EXECUTABLE:" not in (build_dir / "CMakeCache.txt").read_text():
                configure.append(f"-DPYTHON_EXECUTABLE={python}")
        else:
            build_dir = ROOT / "build-python" / "cmake"
            configure = [cmake, "-S", str(ROOT), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                         "-DBTPOW_BUILD_TESTS=OFF", "-DBTPOW_BUILD_BENCH=OFF", "-DBTPOW_BUILD_EXAMPLES=OFF",
                         "-DBTPOW_INSTALL=OFF", "-DBTPOW_BUILD_SHARED=OFF", "-DBTPOW_BUILD_PYTHON=ON",
                         f"-DPYTHON_EXECUTABLE={python}"]
        configure += shlex.split(os.environ.get("BTPOW_CMAKE_ARGS", ""))
        subprocess.run(configure, check=True, env=env)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run([cmake, "--build", str(build_dir), "--target", "btpow_python", "-j", jobs], check=True, env=env)

        suffix = sysconfig.get_config_var("EXT_SUFFIX")
        built = build_dir / "python" / f"_btpow{suffix}"
        if not built.is_file():
            found = sorted(p.name for p in (build_dir / "python").glob("_btpow*"))
            sys.exit(f"btpow: expected {built.name} for this Python ({python}), found {found or 'nothing'}; "
                     "configure the build directory with -DPYTHON_EXECUTABLE set to this Python")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, target)


setup(
    version=cmake_version(),
    ext_modules=[CMakeExtension("btpow._btpow")],
    cmdclass={"build_ext": CMakeBuild},
    options={"build": {"build_base": "build-python"}, "egg_info": {"egg_base": "build-python"}},
)
