/* xml.c - XML writing helpers for query.c. (Skeleton; being written.) */
