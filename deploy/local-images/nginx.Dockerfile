# grassroots-nginx:local: Debian's nginx-light, run as docker-compose.yml runs nginx:1.28 (its server in
# /etc/nginx/conf.d/default.conf, logs to the console). Built by deploy/build-local-images.sh.
FROM grassroots-base:local
RUN rm -f /etc/nginx/sites-enabled/default \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
