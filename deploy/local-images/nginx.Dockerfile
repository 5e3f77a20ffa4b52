# grassroots-nginx:local: Debian's nginx-light on Debian 12, run as docker-compose.yml runs nginx:1.28 (its server in
# /etc/nginx/conf.d/default.conf, logs to the console). Built by deploy/build-local-images.sh, which gives the build
# Debian's mirror (host network).
FROM grassroots-debian:local
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/share/doc/* /usr/share/man/* /var/log/*.log \
 && rm -f /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
