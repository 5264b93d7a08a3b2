#!/bin/sh
# Builds the container image's base as a `docker save` tarball, from this machine's JDK, with no
# registry and no daemon: Jib then layers the gateway on top (jib:buildTar, from tar://...).
#
#   make-base-image.sh OUT_DIR
#
# The base holds: a jlink'd Java runtime with only the modules the gateway uses (/opt/java), the
# shared libraries that runtime links against (found with ldd, copied under their own paths),
# /etc/passwd and /etc/group with the unprivileged user 65532 "cometgate", and a world-writable
# /tmp (Netty unpacks its native epoll library there). No shell, no package manager.
set -eu
out=$1
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
rm -rf "$out" && mkdir -p "$out"
root=$out/rootfs

# The modules: what `jdeps --multi-release 17 --ignore-missing-deps --print-module-deps JAR`
# finds (written out: jdeps takes minutes on the shaded jar), plus what is only reached by
# service loading (jdk.crypto.ec: EC and X25519 TLS keys). ContainerImageIT runs the image,
# so a module that goes missing fails the build.
modules=java.base,java.naming,java.net.http,java.sql,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec
"$java_home/bin/jlink" --add-modules "$modules" --output "$root/opt/java" \
    --strip-debug --no-header-files --no-man-pages --compress=2 >/dev/null

# Every shared library the runtime's binaries need, and the dynamic loader.
for elf in $(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \)); do
    ldd "$elf" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
done | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
# Netty's epoll library also needs these at run time (dlopen'd, so ldd of the JDK misses them).
for lib in /lib/x86_64-linux-gnu/libgcc_s.so.1 /lib/x86_64-linux-gnu/libdl.so.2 /lib/x86_64-linux-gnu/librt.so.1; do
    [ -e "$lib" ] && mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
# /lib64/ld-linux-x86-64.so.2 is how binaries name the loader; Debian's /lib64 is a link.
if [ -e /lib64/ld-linux-x86-64.so.2 ]; then
    mkdir -p "$root/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi

mkdir -p "$root/etc" "$root/tmp" "$root/etc/cometgate"
chmod 1777 "$root/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\ncometgate:x:65532:65532:cometgate:/home/cometgate:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\ncometgate:x:65532:\n' > "$root/etc/group"

# `docker save` layout: one uncompressed layer, its config, the manifest.
(cd "$root" && tar --numeric-owner --owner=0 --group=0 --mtime='1970-01-01 00:00:01' --sort=name \
    --mode='u+rw,go+r' -cf "$out/layer.tar" .)
diff_id=$(sha256sum "$out/layer.tar" | cut -d' ' -f1)
cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java"]},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
JSON
printf '[{"Config":"config.json","RepoTags":["cometgate-base:local"],"Layers":["layer.tar"]}]\n' > "$out/manifest.json"
(cd "$out" && tar -cf base.tar manifest.json config.json layer.tar)
rm -rf "$root" "$out/layer.tar"
echo "base image: $out/base.tar ($(du -h "$out/base.tar" | cut -f1), modules $modules)"
